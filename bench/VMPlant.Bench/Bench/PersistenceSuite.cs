using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using Npgsql;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Serialization;
using VMPlant.Actors.Shop;
using VMPlant.Bench.Workloads;
using VMPlant.Host.Configuration;
using VMPlant.Messages;

namespace VMPlant.Bench;

/// <summary>
/// The shop's journal: write throughput (Persist one at a time, as the shop does per command, and PersistAll in
/// batches), and how long the real <see cref="ShopActor"/> takes to recover 10k and 100k events, with and without
/// a snapshot. SQLite always; PostgreSQL too when a connection string is given.
/// </summary>
public static class PersistenceSuite
{
    private const int BatchSize = 100;

    public static async Task<PersistenceReport> RunAsync(BenchOptions options, Workload workload, string root, BenchProgress progress)
    {
        var writes = new List<PersistRow>();
        var recovery = new List<RecoveryRow>();
        var notes = new List<string>();
        var config = NodeConfig.Load(options.ConfigFile);
        var snapshotEvery = config.GetInt("vmplant.persistence.snapshot-every");
        var retention = SettingsReader.Shop(config).Retention;
        notes.Add($"Recovery with a snapshot loads the latest snapshot and replays the average tail behind it: half the shop's snapshot spacing, " +
            $"snapshot-every = {snapshotEvery} events or the state's weight in full records when more (SnapshotCadence).");
        notes.Add("Recovery is timed from creating the ShopActor to its first answer, in a fresh actor system, after a small warm-up recovery.");
        notes.Add($"History: {EventsPerRequest} events a request (accepted, awarded, completed, VM deleted), one request a second of event time; " +
            $"seeded {SeedChunk:N0} events a PersistAllAsync, {SeedChunksInFlight} of them in flight.");
        var steady = SteadyState(retention);
        notes.Add($"Retention (vmplant.shop.retention): full records for {retention.MaxAge.TotalHours:0.##} h (at most {retention.MaxRequests:N0}), " +
            $"ids remembered for {retention.IdempotencyWindow.TotalHours:0.##} h (at most {retention.IdempotencyMaxRequests:N0}); on this history the snapshot " +
            $"stops growing after {steady.AfterEvents:N0} events, at {steady.Full:N0} requests in full and {steady.Remembered:N0} remembered.");

        var backends = new List<(string Name, Func<int, Task<Backend>> Open)>
        {
            ("sqlite", n => Task.FromResult(Backend.Sqlite(Path.Combine(root, "persistence", $"sqlite-{n}.db")))),
        };
        var postgres = options.Postgres ?? Environment.GetEnvironmentVariable("VMPLANT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(postgres)) backends.Add(("postgresql", n => Backend.PostgresAsync(postgres, n)));
        else notes.Add("PostgreSQL skipped: no --postgres connection string and VMPLANT_TEST_POSTGRES is not set.");

        foreach (var (name, open) in backends)
        {
            var backendOpen = 0;
            try
            {
                // Warm-up: JIT the journal, serializer and shop recovery paths on a small journal.
                await using (var warm = await open(backendOpen++))
                {
                    await WriteJournalAsync(warm, options, workload, 200, 0);
                    await RecoverAsync(warm, options);
                }

                await using (var backend = await open(backendOpen++))
                {
                    progress.Tick("persistence", $"{name}: Persist one at a time");
                    writes.Add(await ThroughputAsync(backend, options, workload, name, batch: 1, options.PersistSequentialEvents));
                }
                await using (var backend = await open(backendOpen++))
                {
                    progress.Tick("persistence", $"{name}: PersistAll in batches of {BatchSize}");
                    writes.Add(await ThroughputAsync(backend, options, workload, name, BatchSize, options.PersistBatchedEvents));
                }
                progress.Step("persistence", $"{name}: {writes[^2].EventsPerSecond:0} events/s one at a time, {writes[^1].EventsPerSecond:0} events/s batched");

                foreach (var events in options.RecoveryEvents)
                {
                    await using var backend = await open(backendOpen++);
                    progress.Step("persistence", $"{name}: writing {events:N0} events");
                    var seeding = Stopwatch.StartNew();
                    await WriteJournalAsync(backend, options, workload, events, 0);
                    var seeded = seeding.Elapsed.TotalSeconds;
                    progress.Step("persistence", $"{name}: {events:N0} events written in {seeded:0.0} s; recovering them");
                    recovery.Add(new RecoveryRow(name, events, false, events, await RecoverAsync(backend, options)));
                    var tail = AverageTail(workload, events, snapshotEvery, retention);
                    var snapshot = await SaveSnapshotAsync(backend, options, workload, events - tail, retention);
                    progress.Tick("persistence", $"{name}: recovering {events:N0} events from a snapshot");
                    recovery.Add(new RecoveryRow(name, events, true, tail, await RecoverAsync(backend, options))
                    {
                        SnapshotBytes = snapshot.Bytes,
                        FullRequests = snapshot.Full,
                        RememberedRequests = snapshot.Remembered,
                    });
                    progress.Step("persistence", $"{name}: {events:N0} events recover in {recovery[^2].Milliseconds:0} ms, " +
                        $"{recovery[^1].Milliseconds:0} ms with a snapshot of {snapshot.Bytes:N0} bytes ({snapshot.Full:N0} requests in full, " +
                        $"{snapshot.Remembered:N0} remembered)");
                }
            }
            catch (Exception e) when (name == "postgresql" && e is NpgsqlException or InvalidOperationException)
            {
                notes.Add($"PostgreSQL failed: {e.Message}");
            }
        }
        return new PersistenceReport(writes, recovery, notes);
    }

    /// <summary>A journal location: a fresh SQLite file or a fresh PostgreSQL database (dropped on dispose).</summary>
    private sealed class Backend : IAsyncDisposable
    {
        private readonly Func<Task> _cleanup;

        private Backend(string provider, string connectionString, int parallelism, Func<Task> cleanup)
        {
            Provider = provider;
            ConnectionString = connectionString;
            Parallelism = parallelism;
            _cleanup = cleanup;
        }

        public string Provider { get; }

        public string ConnectionString { get; }

        public int Parallelism { get; }

        public static Backend Sqlite(string file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            return new Backend("SQLite.MS", $"Data Source={file}", 1, () => Task.CompletedTask);
        }

        public static async Task<Backend> PostgresAsync(string adminConnectionString, int n)
        {
            var database = $"vmplant_bench_{Environment.ProcessId}_{n}_{Guid.NewGuid():N}"[..48];
            await using (var admin = new NpgsqlConnection(adminConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
                await create.ExecuteNonQueryAsync();
            }
            var connection = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
            return new Backend("PostgreSQL.15", connection, 4, async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(adminConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            });
        }

        /// <summary>An actor system with the node's journal configuration pointed at this backend (prepared as a node prepares it).</summary>
        public ActorSystem StartSystem(BenchOptions options)
        {
            var config = NodeConfig.Load(options.ConfigFile,
            [
                NodeConfig.Set("vmplant.persistence.provider-name", Provider),
                NodeConfig.Set("vmplant.persistence.connection-string", ConnectionString),
                $"vmplant.persistence.parallelism = {Parallelism}",
                "akka.actor.provider = local",
                "akka.loglevel = WARNING",
                "akka.stdout-loglevel = WARNING",
            ]);
            SqliteJournal.EnableWriteAheadLog(config);
            return ActorSystem.Create("vmplant-persistence-bench", config);
        }

        public async ValueTask DisposeAsync() => await _cleanup();
    }

    private static async Task<PersistRow> ThroughputAsync(Backend backend, BenchOptions options, Workload workload, string name, int batch, int events)
    {
        using var system = backend.StartSystem(options);
        var writer = system.ActorOf(JournalWriter.Props(), "writer");
        await writer.Ask<JournalWriter.Done>(new JournalWriter.Write([.. ShopEvents(workload, 0).Take(1)]), TimeSpan.FromSeconds(60));
        var all = ShopEvents(workload, 1).Take(events).ToList();
        var clock = Stopwatch.StartNew();
        var pending = all.Chunk(batch).Select(chunk => writer.Ask<JournalWriter.Done>(new JournalWriter.Write([.. chunk]), TimeSpan.FromMinutes(5))).ToList();
        await Task.WhenAll(pending);
        var seconds = clock.Elapsed.TotalSeconds;
        await system.Terminate();
        return new PersistRow(name, batch == 1 ? "Persist, one event at a time (the shop's pattern)" : $"PersistAll, batches of {batch}",
            events, seconds, events / seconds);
    }

    /// <summary>Events a request of <see cref="ShopEvents"/> journals.</summary>
    private const int EventsPerRequest = 4;

    private const int SeedChunk = 2_000;

    private const int SeedChunksInFlight = 4;

    /// <summary>
    /// What the shop keeps of <see cref="ShopEvents"/>' history (a request a second) once the retention windows are full,
    /// and after how many events they are: requests in full, then ids remembered in short.
    /// </summary>
    public static (long Full, long Remembered, long AfterEvents) SteadyState(ShopRetention retention)
    {
        var full = (long)Math.Min(retention.MaxRequests, retention.MaxAge.TotalSeconds);
        var remembered = (long)Math.Min(retention.IdempotencyMaxRequests, Math.Max(0, retention.IdempotencyWindow.TotalSeconds - full));
        return (full, remembered, EventsPerRequest * (full + remembered));
    }

    /// <summary>
    /// Writes <paramref name="events"/> shop events under the shop's persistence id: big PersistAllAsync batches, a few in
    /// flight, so the journal writes them in large groups (a million events in about a minute on SQLite).
    /// </summary>
    private static async Task WriteJournalAsync(Backend backend, BenchOptions options, Workload workload, int events, int from)
    {
        using var system = backend.StartSystem(options);
        var writer = system.ActorOf(JournalWriter.Props(), "writer");
        var inFlight = new Queue<Task>();
        foreach (var chunk in ShopEvents(workload, from).Take(events).Chunk(SeedChunk))
        {
            if (inFlight.Count == SeedChunksInFlight) await inFlight.Dequeue();
            inFlight.Enqueue(writer.Ask<JournalWriter.Done>(new JournalWriter.Write([.. chunk], Pipelined: true), TimeSpan.FromMinutes(5)));
        }
        await Task.WhenAll(inFlight);
        await system.Terminate();
    }

    /// <summary>
    /// How many events a recovery replays after the latest snapshot on average at the end of this history: half the
    /// spacing the shop keeps between snapshots, from the weight of its state there.
    /// </summary>
    private static int AverageTail(Workload workload, int events, int snapshotEvery, ShopRetention retention)
    {
        return (int)Math.Max(1, SnapshotCadence.Spacing(snapshotEvery, StateAfter(workload, events, retention).SnapshotWeight) / 2);
    }

    /// <summary>The shop's state after the first <paramref name="events"/> events of this history, kept by <paramref name="retention"/>.</summary>
    private static ShopState StateAfter(Workload workload, int events, ShopRetention retention) =>
        ShopEvents(workload, 0).Take(events).Aggregate(ShopState.Empty with { Retention = retention }, (s, e) => s.Apply(e));

    /// <summary>
    /// Saves the shop state after the first <paramref name="sequenceNr"/> events, kept by the configured retention as the
    /// shop keeps it, as a snapshot at that sequence number; returns its serialized size and what it holds.
    /// </summary>
    private static async Task<(long Bytes, int Full, int Remembered)> SaveSnapshotAsync(Backend backend, BenchOptions options, Workload workload, int sequenceNr,
        ShopRetention retention)
    {
        var state = StateAfter(workload, sequenceNr, retention);
        var snapshot = ShopSnapshot.Of(state);
        using var system = backend.StartSystem(options);
        var bytes = system.Serialization.FindSerializerFor(snapshot).ToBinary(snapshot).LongLength;
        var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        var answer = await store.Ask<object>(new SaveSnapshot(new SnapshotMetadata(ShopSettings.PersistenceId, sequenceNr, DateTime.UtcNow), snapshot),
            TimeSpan.FromMinutes(2));
        await system.Terminate();
        if (answer is SaveSnapshotFailure failure) throw new InvalidOperationException($"snapshot failed: {failure.Cause.Message}", failure.Cause);
        return (bytes, snapshot.Requests.Length, snapshot.Remembered?.Length ?? 0);
    }

    /// <summary>Milliseconds from starting the real shop actor to its first answer (it answers only once recovered).</summary>
    private static async Task<double> RecoverAsync(Backend backend, BenchOptions options)
    {
        using var system = backend.StartSystem(options);
        // No plant ever registers here, so the shop never resumes the journal's unfinished requests during the timing.
        var settings = SettingsReader.Shop(system.Settings.Config);
        var clock = Stopwatch.StartNew();
        var shop = system.ActorOf(ShopActor.Props(settings), "shop");
        var answer = await shop.Ask<object>(new ShowVm("bench-recovery-probe"), TimeSpan.FromMinutes(5));
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (answer is not VmNotFound) throw new InvalidOperationException($"recovered shop answered {answer.GetType().Name}");
        shop.Tell(StopShop.Instance);
        await system.Terminate();
        return elapsed;
    }

    /// <summary>
    /// The shop's journal for a stream of creates and destroys: per request RequestAccepted, RequestAwarded (three bids),
    /// RequestCompleted, VmDeleted, with specs from the workload, one request a second. Deterministic; starts at request
    /// <paramref name="from"/>.
    /// </summary>
    public static IEnumerable<IVmPlantEvent> ShopEvents(Workload workload, int from)
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var k = from; ; k++)
        {
            var spec = workload.Requests[k % workload.Requests.Length].Spec;
            var requestId = $"bench-request-{k:D7}";
            var vmId = $"{spec.Name}-{k:x12}";
            var bids = Enumerable.Range(0, 3).Select(p => new BidSummary($"plant-{(k + p) % 16:D2}", 100 + p * 50, $"img-{k % 97:x6}",
                spec.Actions.Length - p, p, new Resources(64, 65536, 100))).ToImmutableArray();
            var actions = spec.Actions.Select(a => new PerformedAction(a.Id, a.Kind, $"{k:x8}{a.Id.GetHashCode():x8}")).ToImmutableArray();
            var vm = new VmInfo(vmId, spec.Name, bids[0].Plant, VmState.Running, spec.Resources, bids[0].ImageId, actions, at.AddSeconds(k));
            var report = new CreateReport(bids[0].Plant, bids[0].ImageId, [.. spec.Actions.Skip(1).Select(a => a.Id)], [spec.Actions[0].Id],
                bids[0].Cost, 12.5, bids, []);
            yield return new RequestAccepted(requestId, vmId, spec, at.AddSeconds(k)) { Fingerprint = RequestFingerprint.OfCreate(spec) };
            yield return new RequestAwarded(requestId, bids[0].Plant, bids, []);
            yield return new RequestCompleted(requestId, vm, report) { At = at.AddSeconds(k + 1) };
            yield return new VmDeleted(vmId, at.AddSeconds(k + 30));
        }
    }

    /// <summary>Journals what it is told under the shop's persistence id (it never recovers anything: each backend is fresh).</summary>
    private sealed class JournalWriter : ReceivePersistentActor
    {
        /// <param name="Pipelined">PersistAllAsync (the next batch is taken while this one is written, and the journal groups them)
        /// instead of PersistAll (one batch at a time, as the throughput rows measure).</param>
        public sealed record Write(ImmutableArray<IVmPlantEvent> Events, bool Pipelined = false);

        public sealed record Done;

        private static readonly Done DoneInstance = new();

        public JournalWriter()
        {
            Recover<object>(_ => { });
            Command<Write>(write =>
            {
                var replyTo = Sender;
                var remaining = write.Events.Length;
                void Written(IVmPlantEvent _)
                {
                    if (--remaining == 0) replyTo.Tell(DoneInstance);
                }
                if (write.Pipelined) PersistAllAsync(write.Events, Written);
                else PersistAll(write.Events, Written);
            });
        }

        public override string PersistenceId => ShopSettings.PersistenceId;

        public static Props Props() => Akka.Actor.Props.Create(() => new JournalWriter());
    }
}
