using System.Collections.Immutable;
using VMPlant.Messages;

namespace VMPlant.Tests.Actors.Domain.Paging;

/// <summary>VMs, images and bids of chosen sizes for the paging specs.</summary>
internal static class PagingSamples
{
    public static readonly DateTimeOffset Epoch = new(2026, 12, 2, 5, 0, 0, TimeSpan.Zero);

    public static ImmutableArray<PerformedAction> Actions(int count, int idLength = 8, string prefix = "a") =>
        [.. Enumerable.Range(0, count).Select(i => new PerformedAction($"{prefix}{i:D6}".PadRight(idLength, 'x'), "run-script", $"id-{prefix}{i:D6}"))];

    public static VmInfo Vm(int n, DateTimeOffset? createdAt = null, ImmutableArray<PerformedAction>? actions = null, string plant = "small") =>
        new($"vm-{n:D6}", "node", plant, VmState.Running, new Resources(1, 64, 1), "img-1", actions ?? Actions(3, prefix: $"v{n}-"),
            createdAt ?? Epoch.AddSeconds(n));

    public static GoldenImageInfo Image(int n, int actions = 2) =>
        new($"img-{n:D6}", $"img-{n:D6}.qcow2", Actions(actions, prefix: $"i{n}-"), 100 + n, n);

    public static PlantStatus PlantWithImages(string name, int images) =>
        new(name, "test:///x", true, new Resources(8, 16384, 100), new Resources(4, 8192, 50), 3, [.. Enumerable.Range(0, images).Select(i => Image(i))]);
}
