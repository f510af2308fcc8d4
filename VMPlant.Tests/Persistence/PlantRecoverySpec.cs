using System.Collections.Immutable;
using System.Text.Json;
using VMPlant.Actors.Domain;
using VMPlant.Actors.Plant;
using VMPlant.Actors.Serialization;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Persistence;

/// <summary>A plant's state from a snapshot plus later events equals its state from every event, usage included.</summary>
public sealed class PlantRecoverySpec
{
    private static readonly CachePolicy Policy = new(PublishRule.Always, 0, 8, 100L << 30);
    private static readonly GoldenImage Base = GoldenImage.Base("base", "base", 2L << 30, DateTimeOffset.UnixEpoch);

    private static IReadOnlyList<IVmPlantEvent> History()
    {
        var at = new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
        var spec = SpecBuilder.MpiSolver();
        var dag = ConfigDag.Build(spec);
        var performed = dag.Actions.Select(VmBuilder.ToPerformed).ToImmutableArray();
        var image = new ImageRecord("img-1", "img-1", performed, dag.TotalCost, 2L << 30, at, ImageOrigin.Built);
        var events = new List<IVmPlantEvent>();
        for (var i = 0; i < 6; i++)
        {
            var vmId = $"vm-{i}";
            var imageId = i == 0 ? "base" : "img-1";
            events.Add(new VmReserved($"r{i}", vmId, spec, imageId, at.AddSeconds(i)));
            if (i == 4)
            {
                events.Add(new VmBuildFailed($"r{i}", vmId, "libvirt said no"));
                continue;
            }
            var vm = new VmInfo(vmId, spec.Name, "p", VmState.Running, spec.Resources, imageId, performed, at.AddSeconds(i));
            events.Add(new VmBuilt(vm, new CreateReport("p", imageId, [], [], 1, 1, [], [])));
            if (i == 0) events.Add(new ImagePublished(image));
            else events.Add(new ImageHit("img-1", at.AddSeconds(i)));
        }
        events.Add(new VmRemoved("vm-2", at.AddMinutes(1)));
        events.Add(new VmLost("vm-3", "domain vm-3 no longer exists"));
        return events;
    }

    private static string Canonical(PlantState state)
    {
        var snapshot = PlantSnapshot.Of(state);
        return JsonSerializer.Serialize(new
        {
            Vms = snapshot.Vms.OrderBy(v => v.VmId).Select(v => JsonSerializer.Serialize(v)),
            Requests = snapshot.VmIdByRequest.OrderBy(p => p.Key).ToList(),
            Images = snapshot.Images.OrderBy(i => i.ImageId).Select(i => JsonSerializer.Serialize(i)),
            Usage = snapshot.Usage.OrderBy(u => u.ImageId).ToList(),
            Reserved = state.Reserved(),
        });
    }

    [Fact]
    public void Snapshot_plus_later_events_gives_the_same_state_as_every_event()
    {
        var history = History();
        var fromEvents = history.Aggregate(PlantState.Initial(Policy, Base), (s, e) => s.Apply(e));
        for (var cut = 0; cut <= history.Count; cut++)
        {
            var snapshot = PlantSnapshot.Of(history.Take(cut).Aggregate(PlantState.Initial(Policy, Base), (s, e) => s.Apply(e)));
            var restored = history.Skip(cut).Aggregate(snapshot.Restore(Policy, Base), (s, e) => s.Apply(e));
            Assert.Equal(Canonical(fromEvents), Canonical(restored));
        }
        Assert.True(fromEvents.Cache.TryGetUsage("img-1", out var usage));
        Assert.Equal(4, usage.Hits);
        // vm-0, vm-1 and vm-5 run; vm-2 destroyed, vm-3 lost, vm-4 failed: only three hold capacity.
        Assert.Equal(3, fromEvents.Reserved().Vcpus);
    }
}
