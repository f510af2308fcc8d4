using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using VMPlant.Actors.Domain;
using VMPlant.Bench;
using VMPlant.Bench.Workloads;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VMPlant.Tests.Actors.Domain.Shop;

/// <summary>
/// The shop's bounded memory: finished requests are kept in full, then in short (id, fingerprint, VM, status) for
/// the idempotency window, then forgotten; destroyed VMs leave after their window; snapshots stay flat as history grows.
/// </summary>
public sealed class ShopRetentionSpec(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
    private static readonly Func<string, bool> Everywhere = _ => true;

    private static readonly ShopRetention Short = new(
        MaxAge: TimeSpan.FromHours(1), MaxRequests: 2, IdempotencyWindow: TimeSpan.FromDays(1), IdempotencyMaxRequests: 100, DestroyedVms: TimeSpan.FromHours(2));

    private static ShopLedger<string> Journal(ShopDecision<string> decision) =>
        decision.Event is { } e ? decision.Ledger.Journal(e) : decision.Ledger;

    /// <summary>Creates and completes a request at <paramref name="at"/> (its VM "vm-ID" on plant a).</summary>
    private static ShopLedger<string> Completed(ShopLedger<string> ledger, string requestId, DateTimeOffset at)
    {
        ledger = Journal((ledger with { Now = at }).Create(new CreateVm(requestId, SpecBuilder.MpiSolver()), "client", at));
        ledger = Journal(ledger.Offered(new AwardOffer(requestId, "a", [], [])).Accepted(new AwardAccepted(requestId, "a")));
        var vm = new VmInfo(VmId(requestId), "mpi-solver", "a", VmState.Running, SpecBuilder.Small, "img-1", [new PerformedAction("os", "install-os", "i")], at);
        ledger = Journal(ledger.Ready(new VmReady(requestId, vm, new CreateReport("a", "img-1", ["os"], [], 10, 1, [], []))));
        return ledger.TakeWaiting(requestId).Ledger;
    }

    private static string VmId(string requestId) => ShopLedger<string>.VmIdFor(requestId, "mpi-solver");

    private static ShopLedger<string> Empty => ShopLedger<string>.Empty with
    {
        Decided = ShopState.Empty with { Retention = Short },
        Journaled = ShopState.Empty with { Retention = Short },
    };

    [Fact]
    public void Past_its_retention_a_request_is_kept_in_short_still_answers_and_refuses_a_conflicting_reuse_until_the_window_ends()
    {
        var ledger = Empty;
        for (var i = 1; i <= 3; i++) ledger = Completed(ledger, $"r{i}", T0.AddMinutes(i));
        // Three finished, two kept in full: the oldest is remembered in short.
        Assert.Equal(["r2", "r3"], ledger.Journaled.Requests.Keys.Order());
        var r1 = ledger.Journaled.Remembered["r1"];
        Assert.Equal((VmId("r1"), "a", RequestStatus.Completed), (r1.VmId, r1.Plant, r1.Status));
        Assert.StartsWith("create:", r1.Fingerprint);

        var repeat = ledger.Create(new CreateVm("r1", SpecBuilder.MpiSolver()), "late", T0.AddHours(3));
        Assert.True(repeat.Repeat);
        var answer = Assert.IsType<VmCreated>(repeat.Ledger.JournaledOutcome("r1"));
        Assert.Equal((VmId("r1"), VmState.Running, "img-1"), (answer.Vm.VmId, answer.Vm.State, answer.Vm.ImageId));
        Assert.Empty(answer.Report.PerformedActionIds); // the build report is no longer kept
        Assert.Contains("was already used for a different request",
            Assert.IsType<RequestRejected>(ledger.Create(new CreateVm("r1", SpecBuilder.MpiSolver(solver: "other")), "x", T0).ReplyAfterJournal).Reason);
        Assert.IsType<RequestRejected>(ledger.Configure(new ConfigureVm("r1", VmId("r2"), [SpecBuilder.Action("x")]), "x", Everywhere).ReplyAfterJournal);

        // A day and more later (any event with a time moves the clock), r1 is forgotten: its id is free again.
        ledger = Completed(ledger, "r4", T0.AddDays(1).AddMinutes(2));
        Assert.False(ledger.Journaled.Remembered.ContainsKey("r1"));
        Assert.Null(ledger.JournaledOutcome("r1"));
        Assert.IsType<RequestAccepted>(ledger.Create(new CreateVm("r1", SpecBuilder.MpiSolver(solver: "other")), "x", T0.AddDays(2)).Event);
    }

    [Fact]
    public void A_destroyed_vm_leaves_the_state_after_its_window_and_its_create_id_still_says_destroyed()
    {
        var ledger = Completed(Empty, "r1", T0);
        var destroying = (ledger with { Now = T0.AddMinutes(5) }).Destroy(new DestroyVm(VmId("r1")), "client", Everywhere);
        ledger = Journal(destroying.Ledger.Removed(new VmDestroyed(VmId("r1"), "a"), T0.AddMinutes(5)));
        Assert.Equal(VmState.Destroyed, ledger.Journaled.Vms[VmId("r1")].State);

        ledger = Completed(ledger, "r2", T0.AddHours(3));
        Assert.False(ledger.Journaled.Vms.ContainsKey(VmId("r1")));
        Assert.IsType<VmNotFound>(ledger.Destroy(new DestroyVm(VmId("r1")), "client", Everywhere).ReplyAfterJournal);
        var create = Assert.IsType<VmCreated>(ledger.JournaledOutcome("r1"));
        Assert.Equal((VmId("r1"), VmState.Destroyed, "a"), (create.Vm.VmId, create.Vm.State, create.Vm.Plant));
    }

    [Fact]
    public void A_snapshot_plus_later_events_gives_the_state_every_event_gives_retention_included()
    {
        var workload = WorkloadGenerator.Generate(new WorkloadOptions(Seed: 7, Requests: 50));
        var history = PersistenceSuite.ShopEvents(workload, 0).Take(4 * 400).ToList();
        var retention = Short with { MaxRequests = 20, IdempotencyMaxRequests = 60, DestroyedVms = TimeSpan.FromSeconds(90) };
        var fromEvents = history.Aggregate(ShopState.Empty with { Retention = retention }, (s, e) => s.Apply(e));
        Assert.Equal(20, fromEvents.Requests.Count);
        Assert.Equal(60, fromEvents.Remembered.Count);
        foreach (var cut in new[] { 0, 1, 333, 800, 1201, history.Count })
        {
            var snapshot = ShopSnapshot.Of(history.Take(cut).Aggregate(ShopState.Empty with { Retention = retention }, (s, e) => s.Apply(e)));
            var restored = history.Skip(cut).Aggregate(RoundTrip(snapshot).Restore(retention), (s, e) => s.Apply(e));
            Assert.Equal(Canonical(fromEvents), Canonical(restored));
        }
    }

    /// <summary>Snapshot bytes and restore time at 1k and 10k requests of history (one a second, each created, completed
    /// and destroyed), with windows of minutes: flat once history is longer than the windows. (VMPLANT_RETENTION_DEFAULTS=1
    /// also prints the shipped windows at 10k and 100k requests.)</summary>
    [Fact]
    public void The_snapshot_stays_flat_as_history_grows()
    {
        var workload = WorkloadGenerator.Generate(new WorkloadOptions(Seed: 7, Requests: 200));
        var bounded = new ShopRetention(TimeSpan.FromMinutes(6), 100, TimeSpan.FromMinutes(12), 500, TimeSpan.FromMinutes(6));
        var runs = new[] { ("windows of 6-12 min", bounded, new[] { 1_000, 10_000 }), ("defaults", ShopRetention.Default, new[] { 10_000, 100_000 }) };
        var sizes = new Dictionary<(string, int), long>();
        foreach (var (name, retention, histories) in runs.Take(Environment.GetEnvironmentVariable("VMPLANT_RETENTION_DEFAULTS") == "1" ? 2 : 1))
        {
            var state = ShopState.Empty with { Retention = retention };
            var applied = 0;
            foreach (var requests in histories)
            {
                foreach (var e in PersistenceSuite.ShopEvents(workload, applied).Take(4 * (requests - applied))) state = state.Apply(e);
                applied = requests;
                var bytes = JsonSerializer.SerializeToUtf8Bytes(ShopSnapshot.Of(state), Json);
                var clock = Stopwatch.StartNew();
                var restored = JsonSerializer.Deserialize<ShopSnapshot>(bytes, Json)!.Restore(retention);
                sizes[(name, requests)] = bytes.Length;
                output.WriteLine($"{name}: {requests:N0} requests of history -> snapshot {bytes.Length / 1024.0 / 1024:F2} MiB " +
                                 $"({state.Requests.Count:N0} full, {state.Remembered.Count:N0} in short, {state.Vms.Count:N0} VMs), restored in {clock.ElapsedMilliseconds} ms");
                Assert.Equal(state.Remembered.Count, restored.Remembered.Count);
            }
        }
        var (small, large) = (sizes[("windows of 6-12 min", 1_000)], sizes[("windows of 6-12 min", 10_000)]);
        Assert.True(large < 1.1 * small, $"{large} bytes at 10k vs {small} at 1k");
    }

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private static ShopSnapshot RoundTrip(ShopSnapshot snapshot) =>
        JsonSerializer.Deserialize<ShopSnapshot>(JsonSerializer.SerializeToUtf8Bytes(snapshot, Json), Json)!;

    private static string Canonical(ShopState state) => JsonSerializer.Serialize(new
    {
        Requests = state.Requests.Values.OrderBy(r => r.RequestId, StringComparer.Ordinal).Select(r => JsonSerializer.Serialize(r, Json)),
        Remembered = state.Remembered.Values.OrderBy(r => r.RequestId, StringComparer.Ordinal).Select(r => JsonSerializer.Serialize(r, Json)),
        Vms = state.Vms.Values.OrderBy(v => v.VmId, StringComparer.Ordinal).Select(v => JsonSerializer.Serialize(v, Json)),
    });
}
