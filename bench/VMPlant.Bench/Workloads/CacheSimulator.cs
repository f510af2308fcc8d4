using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;

namespace VMPlant.Bench.Workloads;

/// <summary>Which cached images a request may start from.</summary>
public enum ReuseRule
{
    /// <summary>Every request starts from the blank base image.</summary>
    NoCache,
    /// <summary>Only an image with exactly the request's action set (the Nova/Glance rule: whole images or nothing).</summary>
    WholeImage,
    /// <summary>
    /// Only an image whose action sequence is a prefix of the request's sequence in written (topological) order:
    /// the classic Docker build-cache rule, where one differing or reordered line invalidates everything after it.
    /// </summary>
    ExactPrefix,
    /// <summary>VMPlant's rule: any image whose action set is a subset of the request's (<see cref="ImageIndex.FindBest"/>).</summary>
    PartialGraph,
}

/// <summary>How the plant that builds a request is chosen.</summary>
public enum PlacementRule
{
    /// <summary>VMPlant's auction: every plant bids its cost to finish, <see cref="BidRanking"/> picks.</summary>
    Auction,
    /// <summary>A uniformly random plant among those with room.</summary>
    Random,
    /// <summary>The plant with the lowest utilisation after placement, whatever its cache holds.</summary>
    LeastLoaded,
}

/// <summary>A simulated plant's raw size.</summary>
public sealed record SimPlantSize(string Name, int Cpus, long MemoryMiB, long DiskGiB);

/// <param name="Cache">
/// The plants' cache policy; with <see cref="CachePolicy.PublishCore"/> a build also publishes its <see cref="CoreImage"/>,
/// as plants do.
/// </param>
public sealed record SimulationOptions(
    ReuseRule Reuse,
    PlacementRule Placement,
    ImmutableArray<SimPlantSize> Plants,
    CachePolicy Cache,
    CostModel CostModel,
    double CpuOvercommit = 4.0,
    int Seed = 1)
{
    /// <summary>
    /// Plants alternating between 32 CPUs / 128 GiB and 16 CPUs / 64 GiB: a popular plant fills up under a grid
    /// workload, so capacity steers placement. Disk is generous (images are sized as their VM's disk) so that the
    /// cache's image count, not disk, is the cache limit being studied.
    /// </summary>
    public static ImmutableArray<SimPlantSize> DefaultPlants(int count = 8) => [.. Enumerable.Range(1, count)
        .Select(i => i % 2 == 1 ? new SimPlantSize($"p{i:D2}", 32, 131072, 16384) : new SimPlantSize($"p{i:D2}", 16, 65536, 16384))];

    /// <summary>
    /// The plant defaults of hocon/vmplant.conf: publish always, core images too, 64 images, clone 5 s, load weight 30 s.
    /// The baseline reuse rules model other systems' caches, which keep whole builds only: no core images for them.
    /// </summary>
    public static SimulationOptions Default(ReuseRule reuse = ReuseRule.PartialGraph, PlacementRule placement = PlacementRule.Auction, int maxImages = 64) => new(
        reuse,
        placement,
        DefaultPlants(),
        new CachePolicy(PublishRule.Always, MinSavedCost: 60, MaxImages: maxImages, MaxBytes: long.MaxValue, PublishCore: reuse == ReuseRule.PartialGraph),
        new CostModel(CloneCost: 5, LoadWeight: 30));
}

/// <summary>What one simulated run did. Work is seconds of action cost.</summary>
/// <param name="RequestedWork">Work of the served requests if nothing were reused.</param>
/// <param name="PerformedWork">Work actually performed (the actions no image provided).</param>
/// <param name="FullHits">Requests that found an image with every action (nothing to perform).</param>
/// <param name="PartialHits">Requests that reused some actions.</param>
public sealed record SimulationResult(
    ReuseRule Reuse,
    PlacementRule Placement,
    bool CoreImages,
    int MaxImages,
    int Served,
    int Rejected,
    double RequestedWork,
    double PerformedWork,
    int FullHits,
    int PartialHits,
    int Misses,
    int Published,
    int Evicted)
{
    public double SavedFraction => RequestedWork <= 0 ? 0 : 1 - PerformedWork / RequestedWork;
}

/// <summary>A workload's DAGs and the ids of their prefix images, built once and shared by every simulation.</summary>
public sealed class PreparedWorkload
{
    internal PreparedWorkload(Workload workload, ImmutableArray<ConfigDag> dags, ImmutableArray<string[]> prefixImageIds)
    {
        Workload = workload;
        Dags = dags;
        PrefixImageIds = prefixImageIds;
    }

    public Workload Workload { get; }

    public ImmutableArray<ConfigDag> Dags { get; }

    /// <summary>For request i, [k] is the image id of its first k+1 actions in DAG order.</summary>
    internal ImmutableArray<string[]> PrefixImageIds { get; }
}

/// <summary>
/// Replays a workload against simulated plants with the real domain code — <see cref="ConfigDag"/>,
/// <see cref="ImageIndex"/>, <see cref="ImageCache"/> (publish, core images, hits, eviction), <see cref="CostModel"/>,
/// <see cref="PlantLedger"/> (capacity, pins, publishing and eviction, as a plant journals them) and <see cref="BidRanking"/> — changing only the reuse and placement rules, so that
/// VMPlant and its baselines are compared on the same requests, caches and capacities. No actors, no libvirt:
/// a 2,000-request run takes well under a second.
/// </summary>
public static class CacheSimulator
{
    public static PreparedWorkload Prepare(Workload workload)
    {
        var dags = workload.Requests.Select(r => ConfigDag.Build(r.Spec)).ToImmutableArray();
        var prefixes = dags.Select(dag =>
        {
            var ids = new string[dag.Actions.Count];
            for (var k = 0; k < ids.Length; k++) ids[k] = ImageIds.For(dag.Actions.Take(k + 1).Select(a => a.Identity));
            return ids;
        }).ToImmutableArray();
        return new PreparedWorkload(workload, dags, prefixes);
    }

    public static SimulationResult Run(Workload workload, SimulationOptions options) => Run(Prepare(workload), options);

    public static SimulationResult Run(PreparedWorkload prepared, SimulationOptions options)
    {
        var random = new Random(options.Seed);
        var plants = options.Plants.Select(p => new SimPlant(p, options.CpuOvercommit, options.Cache, options.CostModel)).ToList();
        var departures = new PriorityQueue<(SimPlant Plant, string VmId), int>();
        int served = 0, rejected = 0, fullHits = 0, partialHits = 0, misses = 0, published = 0, evicted = 0;
        double requested = 0, performed = 0;

        var requests = prepared.Workload.Requests;
        for (var i = 0; i < requests.Length; i++)
        {
            var seq = requests[i].Seq;
            while (departures.TryPeek(out var leaving, out var at) && at <= seq)
            {
                departures.Dequeue();
                leaving.Plant.Release(leaving.VmId, DateTimeOffset.UnixEpoch.AddSeconds(at));
            }

            var dag = prepared.Dags[i];
            var now = DateTimeOffset.UnixEpoch.AddSeconds(seq);
            var choice = Place(plants, dag, prepared.PrefixImageIds[i], options, random);
            if (choice is not { } placed)
            {
                rejected++;
                continue;
            }
            var (plant, match) = placed;
            served++;
            var missingWork = match.Missing.Sum(a => a.Cost);
            requested += dag.TotalCost;
            performed += missingWork;
            if (match.Missing.Count == 0) fullHits++;
            else if (match.Reused.Count > 0) partialHits++;
            else misses++;

            var vmId = $"vm-{i}";
            plant.Hold($"r-{i}", vmId, requests[i].Spec, match.Image.ImageId, now);
            departures.Enqueue((plant, vmId), seq + Math.Max(1, requests[i].Lifetime));
            if (options.Reuse == ReuseRule.NoCache) continue;
            // In a plant's order: the core is saved part-way through the build, the finished VM at its end.
            if (plant.Cache.CoreToCheckpoint(dag, match) is { } core)
            {
                published++;
                evicted += plant.Publish(dag, core.Identities, now);
            }
            if (plant.Cache.ShouldPublish(dag, match))
            {
                published++;
                evicted += plant.Publish(dag, dag.Identities.ToImmutableHashSet(), now);
            }
        }
        return new SimulationResult(options.Reuse, options.Placement, options.Cache.PublishCore, options.Cache.MaxImages, served, rejected,
            requested, performed, fullHits, partialHits, misses, published, evicted);
    }

    private static (SimPlant Plant, ImageMatch Match)? Place(
        List<SimPlant> plants, ConfigDag dag, string[] prefixIds, SimulationOptions options, Random random)
    {
        var fitting = plants.Where(p => p.Capacity.Fits(dag.Resources, out _)).ToList();
        if (fitting.Count == 0) return null;
        switch (options.Placement)
        {
            case PlacementRule.Random:
            {
                var plant = fitting[random.Next(fitting.Count)];
                return (plant, Match(plant, dag, prefixIds, options));
            }
            case PlacementRule.LeastLoaded:
            {
                var plant = fitting
                    .OrderBy(p => p.Capacity.UtilisationAfter(dag.Resources))
                    .ThenByDescending(p => p.Capacity.Free.MemoryMiB)
                    .ThenBy(p => p.Name, StringComparer.Ordinal)
                    .First();
                return (plant, Match(plant, dag, prefixIds, options));
            }
            default:
            {
                var matches = fitting.ToDictionary(p => p.Name, p => (Plant: p, Match: Match(p, dag, prefixIds, options)));
                var bids = matches.Values.Select(m => new BidSummary(m.Plant.Name, m.Match.CostToFinish, m.Match.Image.ImageId,
                    m.Match.Reused.Count, m.Match.Missing.Count, m.Plant.Capacity.Free));
                var winner = BidRanking.Rank(bids)[0];
                return matches[winner.Plant];
            }
        }
    }

    /// <summary>The plant's best image for the request under the reuse rule (the base image when nothing else is allowed).</summary>
    internal static ImageMatch Match(SimPlant plant, ConfigDag dag, string[] prefixIds, SimulationOptions options)
    {
        var utilisation = plant.Capacity.UtilisationAfter(dag.Resources);
        var image = options.Reuse switch
        {
            ReuseRule.PartialGraph => null,
            ReuseRule.WholeImage => plant.Image(prefixIds[^1]),
            ReuseRule.ExactPrefix => LongestPrefix(plant, dag, prefixIds),
            _ => plant.Base,
        };
        return options.Reuse == ReuseRule.PartialGraph
            ? plant.Cache.Index.FindBest(dag, options.CostModel, utilisation)!
            : ImageMatch.Of(image ?? plant.Base, dag, options.CostModel, utilisation);
    }

    /// <summary>The cached image built from the longest prefix of the request's sequence, in the same order.</summary>
    private static GoldenImage? LongestPrefix(SimPlant plant, ConfigDag dag, string[] prefixIds)
    {
        for (var k = prefixIds.Length; k > 0; k--)
        {
            if (plant.Image(prefixIds[k - 1]) is not { } image) continue;
            var sequence = plant.SequenceOf(image.ImageId);
            var same = sequence.Length == k;
            for (var j = 0; same && j < k; j++) same = sequence[j] == dag.Actions[j].Identity;
            if (same) return image;
        }
        return null;
    }

    /// <summary>
    /// A plant as the simulation sees it: the plant's own <see cref="PlantLedger"/> (capacity, reservations, pins, image
    /// publishing and eviction), driven with the events a plant would journal.
    /// </summary>
    internal sealed class SimPlant
    {
        private const long GiB = 1L << 30;
        private static readonly Reconciliation NothingToReconcile = new([], [], [], [], []);

        public SimPlant(SimPlantSize size, double overcommit, CachePolicy policy, CostModel model)
        {
            Name = size.Name;
            var rules = new PlantRules(size.Name, model, policy, overcommit, ReservedMemoryMiB: 0, BaseImageVolume: "base", BaseImageGiB: 0);
            Ledger = PlantLedger.Initial(rules).Connected(new Resources(size.Cpus, size.MemoryMiB, size.DiskGiB), [], NothingToReconcile, "sim", "sim").Ledger;
            Base = rules.BaseImage;
        }

        public string Name { get; }

        public GoldenImage Base { get; }

        public PlantLedger Ledger { get; private set; }

        public ImageCache Cache => Ledger.State.Cache;

        public HostCapacity Capacity => Ledger.Capacity;

        public GoldenImage? Image(string imageId) => Cache.TryGetImage(imageId, out var image) ? image : null;

        /// <summary>The image's actions in the order they were performed.</summary>
        public ImmutableArray<ActionIdentity> SequenceOf(string imageId) => [.. Ledger.State.Images[imageId].Actions.Select(a => new ActionIdentity(a.Identity))];

        /// <summary>Reserves the VM's resources and pins its image, as an accepted award does, counting the image's hit.</summary>
        public void Hold(string requestId, string vmId, VmSpec spec, string imageId, DateTimeOffset at)
        {
            Ledger = Ledger.Apply(new VmReserved(requestId, vmId, spec, imageId, at));
            if (imageId != Base.ImageId) Ledger = Ledger.Apply(new ImageHit(imageId, at));
        }

        public void Release(string vmId, DateTimeOffset at) => Ledger = Ledger.Apply(new VmRemoved(vmId, at));

        /// <summary>
        /// Publishes <paramref name="actions"/> (all of the build, or a prerequisite-closed part of it) as an image sized
        /// as the VM's disk, through the plant's own path for a copied image; returns how many images that evicted.
        /// </summary>
        public int Publish(ConfigDag built, ImmutableHashSet<ActionIdentity> actions, DateTimeOffset at)
        {
            var done = built.Actions.Where(a => actions.Contains(a.Identity)).ToList();
            var imageId = ImageIds.For(actions);
            var record = new ImageRecord(imageId, imageId, [.. done.Select(PlantLedger.Performed)], done.Sum(a => a.Cost), built.Resources.DiskGiB * GiB, at, ImageOrigin.Built);
            var decision = Ledger.Copied(new ImageCopied(imageId, record, null, built.Resources.DiskGiB));
            Ledger = decision.Events.Aggregate(decision.Ledger, (ledger, e) => ledger.Apply(e));
            return decision.Events.Count(e => e is ImageEvicted);
        }
    }
}
