using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors.Domain.Plant;

/// <summary>The plant's decisions without an actor: bids, awards, capacity, outcomes, image publishing and eviction.</summary>
public sealed class PlantLedgerSpec
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
    private static readonly Reconciliation Clean = new([], [], [], [], []);

    private static PlantLedger Ledger(int cpus = 4, long memoryMiB = 4096, long diskGiB = 100, int maxImages = 8) =>
        PlantLedger.Initial(new PlantRules("p1", new CostModel(CloneCost: 5, LoadWeight: 30),
                new CachePolicy(PublishRule.Always, 0, maxImages, long.MaxValue, PublishCore: false),
                CpuOvercommit: 2, ReservedMemoryMiB: 512, BaseImageVolume: "base", BaseImageGiB: 10))
            .Connected(new Resources(cpus, memoryMiB, diskGiB), [], Clean, "test:///default", "default").Ledger;

    private static PlantLedger Journal(PlantDecision decision) => decision.Events.Aggregate(decision.Ledger, (l, e) => l.Apply(e));

    private static VmInfo Running(BuildPlan plan) => new(plan.VmId, plan.Dag.Name, "p1", VmState.Running, plan.Dag.Resources,
        plan.Match.Image.ImageId, [.. plan.Dag.Actions.Select(PlantLedger.Performed)], Now);

    private static CreateReport Report(BuildPlan plan) => new("p1", plan.Match.Image.ImageId, [], [], 0, 1, [], []);

    [Fact]
    public void Offers_what_the_host_has_after_overcommit_reserve_and_base_image()
    {
        var capacity = Ledger().Capacity;
        Assert.Equal(new Resources(8, 3584, 90), capacity.Total);
        Assert.Equal(capacity.Total, capacity.Free);
    }

    [Fact]
    public void Declines_until_connected_and_when_the_vm_does_not_fit()
    {
        var unconnected = PlantLedger.Initial(Ledger().Rules);
        var decline = Assert.IsType<Decline>(Assert.Single(unconnected.Bid(new RequestBid("r1", SpecBuilder.MpiSolver()), Now).Replies));
        Assert.Equal("not connected yet", decline.Reason.Reason);

        var tooBig = SpecBuilder.MpiSolver(resources: new Resources(1, 8192, 2));
        decline = Assert.IsType<Decline>(Assert.Single(Ledger().Bid(new RequestBid("r2", tooBig), Now).Replies));
        Assert.StartsWith("not enough memory", decline.Reason.Reason);
    }

    [Fact]
    public void An_award_builds_the_plan_of_the_bid_without_planning_again()
    {
        var bid = Ledger().Bid(new RequestBid("r1", SpecBuilder.MpiSolver()), Now);
        var offer = Assert.IsType<Bid>(Assert.Single(bid.Replies)).Offer;
        var offered = bid.Ledger.Offers["r1"].Plan;

        var award = bid.Ledger.Award(new Award("r1", "vm-1", SpecBuilder.MpiSolver()), Now);

        Assert.IsType<AwardAccepted>(Assert.Single(award.Replies));
        var reserved = Assert.IsType<VmReserved>(Assert.Single(award.Events));
        Assert.Equal(("r1", "vm-1", offer.ImageId), (reserved.RequestId, reserved.VmId, reserved.ImageId));
        Assert.Same(offered.Dag, award.Build!.Dag);
        Assert.Same(offered.Match, award.Build.Match);
        Assert.Equal("vm-1", award.Build.VmId);
        Assert.False(award.Ledger.Offers.ContainsKey("r1"));
    }

    [Fact]
    public void An_award_whose_capacity_went_to_another_is_refused()
    {
        var spec = SpecBuilder.MpiSolver(resources: new Resources(1, 2048, 2));
        var ledger = Ledger();
        ledger = ledger.Bid(new RequestBid("r1", spec), Now).Ledger;
        ledger = ledger.Bid(new RequestBid("r2", spec), Now).Ledger;
        ledger = Journal(ledger.Award(new Award("r1", "vm-1", spec), Now));

        var refused = Assert.IsType<AwardRefused>(Assert.Single(ledger.Award(new Award("r2", "vm-2", spec), Now).Replies));
        Assert.StartsWith("not enough memory", refused.Reason);
        Assert.Equal(3584 - 2048, ledger.Capacity.Free.MemoryMiB);
    }

    [Fact]
    public void A_resent_award_repeats_the_outcome_and_never_builds_twice()
    {
        var spec = SpecBuilder.MpiSolver();
        var awarded = Ledger().Award(new Award("r1", "vm-1", spec), Now);
        var ledger = Journal(awarded);
        var plan = awarded.Build!;
        ledger = Journal(ledger.Built(new BuildOutcome.Succeeded(plan, Running(plan), Report(plan)), Now));

        var again = ledger.Award(new Award("r1", "vm-1", spec), Now);

        Assert.Empty(again.Events);
        Assert.Null(again.Build);
        Assert.Collection(again.Replies, r => Assert.IsType<AwardAccepted>(r), r => Assert.Equal("vm-1", Assert.IsType<VmReady>(r).Vm.VmId));
    }

    [Fact]
    public void A_finished_build_is_journaled_and_its_disk_is_copied_into_an_image_counted_until_journaled()
    {
        var spec = SpecBuilder.MpiSolver();
        var awarded = Ledger().Award(new Award("r1", "vm-1", spec), Now);
        var ledger = Journal(awarded);
        var plan = awarded.Build!;

        var built = ledger.Built(new BuildOutcome.Succeeded(plan, Running(plan), Report(plan)), Now);

        Assert.IsType<VmBuilt>(Assert.Single(built.Events)); // built from the base image: no hit to count
        Assert.IsType<VmReady>(Assert.Single(built.Replies));
        var copy = built.Copy!;
        Assert.Equal(spec.Resources.DiskGiB, built.Ledger.Capacity.Reserved.DiskGiB - ledger.Capacity.Reserved.DiskGiB);

        var record = new ImageRecord(copy.ImageId, copy.ImageId, copy.Actions, copy.BuildCost, 2L << 30, Now, ImageOrigin.Built);
        var published = Journal(built).Copied(new ImageCopied(copy.ImageId, record, null, copy.DiskGiB));
        Assert.IsType<ImagePublished>(Assert.Single(published.Events));
        var after = Journal(published);
        Assert.Empty(after.Copying);
        Assert.True(after.State.Cache.Contains(copy.ImageId));
    }

    [Fact]
    public void A_finished_build_is_published_only_into_free_disk_never_into_room_promised_to_vms()
    {
        var spec = SpecBuilder.MpiSolver();
        var disk = spec.Resources.DiskGiB;
        // Disk for three VM-sized volumes: a VM and its image copy, then a second VM, leave no room for a second copy.
        var first = Ledger(diskGiB: 10 + 3 * disk).Award(new Award("r1", "vm-1", spec), Now);
        var roomy = Journal(first).Built(new BuildOutcome.Succeeded(first.Build!, Running(first.Build!), Report(first.Build!)), Now);
        Assert.NotNull(roomy.Copy);

        var second = Journal(roomy).Award(new Award("r2", "vm-2", SpecBuilder.MpiSolver(solver: "gromacs")), Now);
        var crowded = Journal(second).Built(new BuildOutcome.Succeeded(second.Build!, Running(second.Build!), Report(second.Build!)), Now);

        Assert.Null(crowded.Copy);
        Assert.IsType<VmReady>(Assert.Single(crowded.Replies));
        Assert.Equal(0, Journal(crowded).Capacity.Free.DiskGiB);
    }

    [Fact]
    public void A_build_from_a_cached_image_journals_its_hit_within_its_vm_built_event_as_older_journals_did_with_two()
    {
        var cached = Ledger().Apply(new ImagePublished(Image("img-a", cost: 100)));
        var awarded = cached.Award(new Award("r1", "vm-1", SpecBuilder.MpiSolver()), Now);
        var plan = awarded.Build! with { Match = awarded.Build!.Match with { Image = cached.State.Images.Values.Select(PlantState.ToGoldenImage).Single() } };
        var ledger = Journal(awarded);

        var built = Assert.IsType<VmBuilt>(Assert.Single(ledger.Built(new BuildOutcome.Succeeded(plan, Running(plan), Report(plan)), Now).Events));

        Assert.Equal(Now, built.ImageHitAt);
        var oneEvent = ledger.Apply(built).State.Cache;
        var legacy = ledger.Apply(built with { ImageHitAt = null }).Apply(new ImageHit("img-a", Now)).State.Cache;
        Assert.True(oneEvent.TryGetUsage("img-a", out var usage));
        Assert.True(legacy.TryGetUsage("img-a", out var legacyUsage));
        Assert.Equal((1, legacyUsage), (usage.Hits, usage));
    }

    [Fact]
    public void An_award_builds_while_its_reservation_is_journaled_only_when_the_plant_removes_orphans_at_restart()
    {
        var award = new Award("r1", "vm-1", SpecBuilder.MpiSolver());
        var keeping = Ledger().Award(award, Now);
        Assert.False(keeping.BuildBeforeJournaled);

        var ledger = Ledger();
        var removing = (ledger with { Rules = ledger.Rules with { BuildsBeforeReservationJournaled = true } }).Award(award, Now);
        Assert.True(removing.BuildBeforeJournaled);
        Assert.IsType<VmReserved>(Assert.Single(removing.Events)); // the reservation is still journaled; the answer waits for it
        Assert.IsType<AwardAccepted>(Assert.Single(removing.Replies));
    }

    [Fact]
    public void Eviction_never_takes_an_image_under_a_live_vm()
    {
        var ledger = Ledger(maxImages: 2);
        ledger = ledger.Apply(new ImagePublished(Image("img-a", cost: 1)));
        ledger = ledger.Apply(new VmReserved("r1", "vm-1", SpecBuilder.MpiSolver(), "img-a", Now));

        var decision = ledger.Copied(new ImageCopied("img-b", Image("img-b", cost: 1000), null, 2));

        // img-a is worth least, but a VM's disk sits on it: the cache stays over budget rather than break the VM.
        Assert.IsType<ImagePublished>(Assert.Single(decision.Events));

        var unpinned = ledger.Apply(new VmRemoved("vm-1", Now)).Copied(new ImageCopied("img-b", Image("img-b", cost: 1000), null, 2));
        Assert.Equal(["img-a"], unpinned.Events.OfType<ImageEvicted>().Select(e => e.ImageId));
        Assert.Equal("img-a", unpinned.EvictedVolumes["img-a"]);
    }

    [Fact]
    public void An_evicted_images_disk_stays_counted_until_its_volume_is_deleted()
    {
        var ledger = Ledger(maxImages: 2).Apply(new ImagePublished(Image("img-a", cost: 1)));
        var decision = ledger.Copied(new ImageCopied("img-b", Image("img-b", cost: 1000), null, 2));
        Assert.Equal(["img-a"], decision.Events.OfType<ImageEvicted>().Select(e => e.ImageId));

        // Decided and journaled, yet the volume is still on the host until deleted: img-a's 2 GiB and img-b's 2 GiB.
        var evicted = Journal(decision);
        Assert.Equal(4, evicted.Capacity.Reserved.DiskGiB);
        Assert.Equal(2, evicted.VolumeDeleted("img-a").Capacity.Reserved.DiskGiB);
    }

    [Fact]
    public void Capacity_follows_reservations_removals_and_a_restored_snapshot()
    {
        var ledger = Ledger();
        var spec = SpecBuilder.MpiSolver(resources: new Resources(3, 1024, 5));
        ledger = ledger.Apply(new VmReserved("r1", "vm-1", spec, "base", Now));
        ledger = ledger.Apply(new ImagePublished(Image("img-a", cost: 1, sizeBytes: (1L << 30) + 1)));
        Assert.Equal(new Resources(3, 1024, 5 + 2), ledger.Capacity.Reserved);

        var restored = Ledger().Restore(ledger.Snapshot());
        Assert.Equal(ledger.Capacity.Reserved, restored.Capacity.Reserved);

        ledger = ledger.Apply(new VmRemoved("vm-1", Now)).Apply(new ImageEvicted("img-a", "test"));
        Assert.Equal(new Resources(0, 0, 0), ledger.Capacity.Reserved);
    }

    [Fact]
    public void Destroy_refuses_a_building_vm_and_removal_is_journaled_before_it_is_confirmed()
    {
        var ledger = Ledger().Apply(new VmReserved("r1", "vm-1", SpecBuilder.MpiSolver(), "base", Now));
        var refuse = Assert.IsType<DestroyDecision.Refuse>(ledger.Destroy(new DestroyVm("vm-1")));
        Assert.Contains("still being built", Assert.IsType<RequestRejected>(refuse.Reply).Reason);
        Assert.IsType<VmNotFound>(Assert.IsType<DestroyDecision.Refuse>(ledger.Destroy(new DestroyVm("vm-9"))).Reply);

        var removed = ledger.Removed("vm-1", null, Now);
        Assert.IsType<VmRemoved>(Assert.Single(removed.Events));
        Assert.IsType<VmDestroyed>(Assert.Single(removed.Replies));
    }

    [Fact]
    public void A_destroyed_vm_leaves_the_state_and_its_snapshot_and_a_late_copy_of_its_award_is_not_built_again()
    {
        var spec = SpecBuilder.MpiSolver(resources: new Resources(1, 256, 1));
        var ledger = Ledger();
        for (var i = 0; i < 3; i++)
        {
            var award = ledger.Award(new Award($"r{i}", $"vm-{i}", spec), Now);
            ledger = Journal(award);
            ledger = Journal(ledger.Built(new BuildOutcome.Succeeded(award.Build!, Running(award.Build!), Report(award.Build!)), Now));
        }
        ledger = ledger.Apply(new VmRemoved("vm-1", Now));

        Assert.Equal(["vm-0", "vm-2"], ledger.State.Vms.Keys.Order().ToArray());
        Assert.DoesNotContain("r1", ledger.State.VmIdByRequest.Keys);
        Assert.DoesNotContain(ledger.Snapshot().Vms, v => v.VmId == "vm-1");
        Assert.Equal(new Resources(2, 512, 2), ledger.State.Holding);

        foreach (var state in new[] { ledger, Ledger().Restore(ledger.Snapshot()) })
        {
            var late = state.Award(new Award("r1", "vm-1", spec), Now);
            Assert.Empty(late.Events);
            Assert.Null(late.Build);
            Assert.IsType<AwardAccepted>(late.Replies[0]);
            Assert.Contains("vm-1 is gone from plant", Assert.IsType<VmFailed>(late.Replies[1]).Reason);
            Assert.IsType<VmNotFound>(Assert.IsType<DestroyDecision.Refuse>(state.Destroy(new DestroyVm("vm-1"))).Reply);
        }
    }

    [Fact]
    public void Failed_and_lost_vms_leave_the_state_pin_no_image_and_a_late_copy_of_their_award_is_not_built_again()
    {
        var spec = SpecBuilder.MpiSolver(resources: new Resources(1, 256, 1));
        var ledger = Ledger();
        var failing = ledger.Award(new Award("r-failed", "vm-failed", spec), Now);
        ledger = Journal(failing);
        var lost = ledger.Award(new Award("r-lost", "vm-lost", spec), Now);
        ledger = Journal(lost);
        Assert.NotEmpty(ledger.State.PinnedImages());
        ledger = Journal(ledger.Built(new BuildOutcome.Failed(failing.Build!, "libvirt said no"), Now));
        ledger = Journal(ledger.Built(new BuildOutcome.Succeeded(lost.Build!, Running(lost.Build!), Report(lost.Build!)), Now));
        ledger = ledger.Apply(new VmLost("vm-lost", "domain vm-lost no longer exists"));

        Assert.Empty(ledger.State.Vms);
        Assert.Empty(ledger.State.VmIdByRequest);
        Assert.Empty(ledger.State.PinnedImages());
        Assert.Equal(new Resources(0, 0, 0), ledger.State.Holding);
        foreach (var state in new[] { ledger, Ledger().Restore(ledger.Snapshot()) })
            foreach (var (requestId, vmId) in new[] { ("r-failed", "vm-failed"), ("r-lost", "vm-lost") })
            {
                var late = state.Award(new Award(requestId, vmId, spec), Now);
                Assert.Null(late.Build);
                Assert.Contains($"{vmId} is gone from plant", Assert.IsType<VmFailed>(late.Replies[1]).Reason);
            }
    }

    [Fact]
    public void Only_the_latest_removals_are_remembered_so_the_state_stays_bounded()
    {
        var spec = SpecBuilder.MpiSolver(resources: new Resources(1, 1, 1));
        var ledger = Ledger();
        var removals = PlantState.RemovedKept + 10;
        for (var i = 0; i < removals; i++)
            ledger = ledger.Apply(new VmReserved($"r{i}", $"vm-{i}", spec, "base", Now)).Apply(new VmRemoved($"vm-{i}", Now));

        Assert.Empty(ledger.State.Vms);
        Assert.Empty(ledger.State.VmIdByRequest);
        Assert.Equal(PlantState.RemovedKept, ledger.State.RemovedByRequest.Count);
        Assert.DoesNotContain("r0", ledger.State.RemovedByRequest.Keys);
        Assert.Contains($"r{removals - 1}", ledger.State.RemovedByRequest.Keys);
        Assert.Equal(PlantState.RemovedKept, ledger.Snapshot().Removed!.Value.Length);
    }

    [Fact]
    public void A_snapshot_from_before_destroyed_vms_left_the_state_drops_them_on_restore()
    {
        var spec = SpecBuilder.MpiSolver(resources: new Resources(1, 256, 1));
        var live = new PlantVm("vm-0", "r0", spec, "base", VmState.Running, null);
        var destroyed = new PlantVm("vm-1", "r1", spec, "base", VmState.Destroyed, null);
        var old = new PlantSnapshot([live, destroyed], ImmutableDictionary<string, string>.Empty.Add("r0", "vm-0").Add("r1", "vm-1"), [], []);

        var restored = Ledger().Restore(old);

        Assert.Equal(["vm-0"], restored.State.Vms.Keys.ToArray());
        Assert.Equal("vm-1", restored.State.RemovedByRequest["r1"]);
        Assert.Equal(new Resources(1, 256, 1), restored.State.Holding);
    }

    [Fact]
    public void Seeds_already_journaled_or_repeated_are_imported_once()
    {
        var seed = new SeedImage(SpecBuilder.MpiSolver(), ["mpi"]);
        var plans = Ledger().SeedsToImport([seed, seed]);
        var plan = Assert.Single(plans);
        Assert.Equal(["os", "mpi"], plan.Actions.Select(a => a.Id));

        var journaled = Ledger().Apply(new ImagePublished(plan.Record(1L << 30, Now)));
        Assert.Empty(journaled.SeedsToImport([seed]));
    }

    private static ImageRecord Image(string id, double cost, long sizeBytes = 2L << 30) =>
        new(id, id, [new PerformedAction("x-" + id, "install-package", "identity-" + id)], cost, sizeBytes, Now, ImageOrigin.Built);
}
