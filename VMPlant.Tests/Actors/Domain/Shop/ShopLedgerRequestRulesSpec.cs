using System.Collections.Immutable;
using VMPlant.Actors.Domain;
using VMPlant.Messages;
using VMPlant.Messages.Specs;
using VMPlant.Tests.Support;
using Xunit;

namespace VMPlant.Tests.Actors.Domain.Shop;

/// <summary>
/// The ledger's rules for what a request id means (the same request, or a conflict), which ids and specs it takes from
/// any client, what a finished request answers once its VM is destroyed, and one configure of a VM at a time.
/// </summary>
public sealed class ShopLedgerRequestRulesSpec
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
    private static readonly Func<string, bool> Everywhere = _ => true;

    private static ShopLedger<string> Journal(ShopDecision<string> decision) =>
        decision.Event is { } e ? decision.Ledger.Journal(e) : decision.Ledger;

    private static VmInfo Vm(string plant = "a", params string[] actions) =>
        new("vm", "mpi-solver", plant, VmState.Running, SpecBuilder.Small, "base", [.. actions.Select(a => new PerformedAction(a, "run-script", "id-" + a))], Now);

    private static VmReady Ready(string requestId, params string[] actions) =>
        new(requestId, Vm("a", actions), new CreateReport("a", "base", [], [], 10, 1, [], []));

    /// <summary>A ledger holding request r1, completed: VM "vm" running on plant a.</summary>
    private static ShopLedger<string> Running()
    {
        var accepted = Journal((ShopLedger<string>.Empty with { Now = Now }).Create(new CreateVm("r1", SpecBuilder.MpiSolver()), "client-1", Now));
        var awarded = Journal(accepted.Offered(new AwardOffer("r1", "a", [], [])).Accepted(new AwardAccepted("r1", "a")));
        var (done, _) = Journal(awarded.Ready(Ready("r1"))).TakeWaiting("r1");
        return done;
    }

    private static ConfigureVm Configure(string requestId, string actionId, string vmId = "vm") =>
        new(requestId, vmId, [SpecBuilder.Action(actionId)]);

    // ---- the same request id means the same request ----

    [Fact]
    public void A_create_id_sent_again_with_another_spec_is_a_conflict_before_and_after_the_spec_is_dropped()
    {
        var accepted = Journal(ShopLedger<string>.Empty.Create(new CreateVm("r1", SpecBuilder.MpiSolver()), "client-1", Now));
        var other = new CreateVm("r1", SpecBuilder.MpiSolver(solver: "gromacs"));

        var whileBuilding = accepted.Create(other, "client-2", Now);
        var conflict = Assert.IsType<RequestRejected>(whileBuilding.ReplyAfterJournal);
        Assert.Equal("request id \"r1\" was already used for a different request (a create of VM "
                     + ShopLedger<string>.VmIdFor("r1", "mpi-solver") + " with another spec); a new request needs a new id", conflict.Reason);
        Assert.Null(whileBuilding.Event);
        Assert.DoesNotContain("client-2", whileBuilding.Ledger.Waiting["r1"]);

        var finished = Running();
        Assert.Null(finished.Decided.Requests["r1"].Spec); // dropped: the fingerprint still tells the two apart
        Assert.IsType<RequestRejected>(finished.Create(other, "client-2", Now).ReplyAfterJournal);
        var retry = finished.Create(new CreateVm("r1", SpecBuilder.MpiSolver()), "client-2", Now);
        Assert.True(retry.Repeat);
        Assert.Null(retry.ReplyAfterJournal);
    }

    [Fact]
    public void A_create_id_reused_for_a_configure_and_a_configure_id_reused_for_a_create_or_other_actions_are_conflicts()
    {
        var ledger = Running();
        var createIdAsConfigure = ledger.Configure(Configure("r1", "htop"), "client-2", Everywhere);
        Assert.Contains("(a create of VM " + ShopLedger<string>.VmIdFor("r1", "mpi-solver") + ", not a configure)",
            Assert.IsType<RequestRejected>(createIdAsConfigure.ReplyAfterJournal).Reason);
        Assert.Null(createIdAsConfigure.ToPlant);

        // A configure at the plant: the same one joins it, anything else under its id is refused.
        var running = ledger.Configure(Configure("c1", "htop"), "client-2", Everywhere);
        Assert.NotNull(running.ToPlant);
        var again = running.Ledger.Configure(Configure("c1", "htop"), "client-3", Everywhere);
        Assert.Null(again.ToPlant);
        Assert.Equal(["client-2", "client-3"], again.Ledger.Waiting["c1"]);
        Assert.Contains("(a configure of VM vm with other actions)",
            Assert.IsType<RequestRejected>(running.Ledger.Configure(Configure("c1", "vim"), "x", Everywhere).Reply).Reason);
        Assert.Contains("(a configure of VM vm, not a create)",
            Assert.IsType<RequestRejected>(running.Ledger.Create(new CreateVm("c1", SpecBuilder.MpiSolver()), "x", Now).Reply).Reason);

        // Finished: the journaled configure keeps its fingerprint.
        var finished = Journal(again.Ledger.Ready(Ready("c1", "htop")));
        Assert.True(finished.Configure(Configure("c1", "htop"), "client-4", Everywhere).Repeat);
        Assert.Contains("(a configure of VM vm)",
            Assert.IsType<RequestRejected>(finished.Configure(Configure("c1", "htop", vmId: "other-vm"), "x", Everywhere).ReplyAfterJournal).Reason);
        Assert.Contains("(a configure of VM vm, not a create)",
            Assert.IsType<RequestRejected>(finished.Create(new CreateVm("c1", SpecBuilder.MpiSolver()), "x", Now).ReplyAfterJournal).Reason);
    }

    [Fact]
    public void A_request_journaled_before_fingerprints_existed_compares_as_unknown_and_is_taken_as_a_repeat()
    {
        var legacy = new RequestAccepted("old", ShopLedger<string>.VmIdFor("old", "mpi-solver"), SpecBuilder.MpiSolver(), Now); // no fingerprint
        var ledger = ShopLedger<string>.Empty.Record(legacy).Ledger.Journal(legacy);
        Assert.Null(ledger.Decided.Requests["old"].Fingerprint);

        var other = ledger.Create(new CreateVm("old", SpecBuilder.MpiSolver(solver: "gromacs")), "client-2", Now);
        Assert.Null(other.Reply ?? other.ReplyAfterJournal);
        Assert.Contains("client-2", other.Ledger.Waiting["old"]);
    }

    // ---- what the shop takes from any client ----

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("bell\u0007")]
    [InlineData("new\nline")]
    public void A_bad_request_id_is_refused_and_nothing_is_journaled_or_sent(string requestId)
    {
        var ledger = Running();
        var create = ledger.Create(new CreateVm(requestId, SpecBuilder.MpiSolver()), "client", Now);
        Assert.Null(create.Event);
        Assert.StartsWith("a request id ", Assert.IsType<RequestRejected>(create.Reply).Reason);
        Assert.False(create.Ledger.Waiting.ContainsKey(requestId));

        var configure = ledger.Configure(Configure(requestId, "htop"), "client", Everywhere);
        Assert.IsType<RequestRejected>(configure.Reply);
        Assert.Null(configure.ToPlant);
        Assert.Empty(configure.Ledger.ConfiguresById);
    }

    [Fact]
    public void An_oversized_request_id_is_refused_with_a_short_excerpt()
    {
        var id = new string('x', 100_000);
        var rejected = Assert.IsType<RequestRejected>(ShopLedger<string>.Empty.Create(new CreateVm(id, SpecBuilder.MpiSolver()), "c", Now).Reply);
        Assert.Contains("at most 128 characters, this one has 100,000", rejected.Reason);
        Assert.True(rejected.Reason.Length < 300);
        Assert.True(rejected.RequestId.Length < 100);
    }

    [Fact]
    public void The_nodes_input_limits_apply_to_specs_and_actions_received_from_any_client()
    {
        var ledger = Running() with { Limits = InputLimits.Default with { ActionsPerSpec = 2, StringLength = 50, ArgBytes = 100, ArgDepth = 2 } };

        var longKind = SpecBuilder.Spec("vm", SpecBuilder.Action("a", "x" + new string('y', 60)));
        Assert.Contains("actions[a].kind: is 61 characters long, over the limit of 50 (vmplant.limits.string-length)",
            Assert.IsType<RequestRejected>(ledger.Create(new CreateVm("k", longKind), "c", Now).Reply).Reason);

        var three = SpecBuilder.Spec("vm", SpecBuilder.Action("a"), SpecBuilder.Action("b"), SpecBuilder.Action("c"));
        Assert.Contains("3 actions, over the limit of 2 (vmplant.limits.actions-per-spec)",
            Assert.IsType<RequestRejected>(ledger.Create(new CreateVm("n", three), "c", Now).Reply).Reason);

        var deep = SpecBuilder.Spec("vm", SpecBuilder.Action("a", "run-script", 1, null, ("list", "[[[\"x\"]]]")));
        Assert.Contains("nests lists and objects more than 2 deep (vmplant.limits.arg-depth)",
            Assert.IsType<RequestRejected>(ledger.Create(new CreateVm("d", deep), "c", Now).Reply).Reason);

        var bigList = SpecBuilder.Spec("vm", SpecBuilder.Action("a", "run-script", 1, null, ("list", "[" + string.Join(",", Enumerable.Repeat("\"abcdefgh\"", 20)) + "]")));
        Assert.Contains("over the limit of 100 (vmplant.limits.arg-bytes)",
            Assert.IsType<RequestRejected>(ledger.Create(new CreateVm("b", bigList), "c", Now).Reply).Reason);

        var longArg = new ConfigureVm("c-long", "vm", [SpecBuilder.Action("htop", "install-package", 1, null, ("package", new string('p', 51)))]);
        var configure = ledger.Configure(longArg, "c", Everywhere);
        Assert.Contains("actions[htop].args.package: is 51 characters long", Assert.IsType<RequestRejected>(configure.Reply).Reason);
        Assert.Null(configure.ToPlant);

        Assert.Null(ShopLedger<string>.Validate("estimate", SpecBuilder.MpiSolver(), InputLimits.Default));
        Assert.NotNull(ShopLedger<string>.Validate("estimate", three, ledger.Limits));
    }

    [Fact]
    public void A_configures_actions_are_checked_on_their_own_before_they_go_to_the_plant()
    {
        var ledger = Running();
        var bad = new ConfigureVm("c-bad", "vm", [
            SpecBuilder.Action("Bad Id!"),
            SpecBuilder.Action("loop", "run-script", 1, ["loop"]),
            SpecBuilder.Action("cost", "run-script", -1),
        ]);
        var reason = Assert.IsType<RequestRejected>(ledger.Configure(bad, "c", Everywhere).Reply).Reason;
        Assert.Contains("is not a valid action id", reason);
        Assert.Contains("actions[loop].after: depends on itself", reason);
        Assert.Contains("actions[cost].cost", reason);

        // After ids may name the VM's actions (or those of earlier configures): the plant checks the whole.
        var onTop = new ConfigureVm("c-ok", "vm", [SpecBuilder.Action("tool", "install-package", 1, ["solver"], ("package", "x"))]);
        Assert.NotNull(ledger.Configure(onTop, "c", Everywhere).ToPlant);
        Assert.IsType<RequestRejected>(ledger.Configure(new ConfigureVm("c-null", "vm", default), "c", Everywhere).Reply);
    }

    // ---- destroyed VMs ----

    [Fact]
    public void After_a_destroy_the_create_and_configure_ids_answer_with_the_vm_destroyed()
    {
        var configured = Journal(Running().Configure(Configure("c1", "htop"), "client-2", Everywhere).Ledger.Ready(Ready("c1", "htop")));
        var destroying = configured.Destroy(new DestroyVm("vm"), "client-3", Everywhere);
        var destroyed = Journal(destroying.Ledger.Removed(new VmDestroyed("vm", "a"), Now));

        var create = Assert.IsType<VmCreated>(destroyed.JournaledOutcome("r1"));
        Assert.Equal(VmState.Destroyed, create.Vm.State);
        Assert.Equal("r1", create.RequestId);
        var configure = Assert.IsType<VmCreated>(destroyed.JournaledOutcome("c1"));
        Assert.Equal(VmState.Destroyed, configure.Vm.State);
        Assert.Equal(["htop"], configure.Vm.Actions.Select(a => a.Id).ToArray());
        Assert.Equal(VmState.Running, Assert.IsType<VmCreated>(configured.JournaledOutcome("r1")).Vm.State);
    }

    [Fact]
    public void Destroying_a_destroyed_vm_succeeds_at_once_saying_so_and_a_vm_the_plant_lost_is_destroyed_too()
    {
        var destroyed = Journal(Running().Destroy(new DestroyVm("vm"), "client-1", Everywhere).Ledger.Removed(new VmDestroyed("vm", "a"), Now));
        var again = destroyed.Destroy(new DestroyVm("vm"), "client-2", Everywhere);
        var answer = Assert.IsType<VmDestroyed>(again.ReplyAfterJournal);
        Assert.Equal(("vm", "a", true), (answer.VmId, answer.Plant, answer.AlreadyDestroyed));
        Assert.Null(again.ToPlant);
        Assert.IsType<VmNotFound>(destroyed.Destroy(new DestroyVm("nope"), "client-2", Everywhere).ReplyAfterJournal);

        var asked = Running().Destroy(new DestroyVm("vm"), "client-1", Everywhere);
        var vanished = asked.Ledger.Vanished(new VmNotFound("vm"), Now);
        Assert.IsType<VmDeleted>(vanished.Event);
        Assert.True(Assert.IsType<VmDestroyed>(vanished.TellDestroying!.Value.Message).AlreadyDestroyed);
    }

    // ---- one configure of a VM at a time ----

    [Fact]
    public void Configures_of_one_vm_go_to_the_plant_one_at_a_time_in_arrival_order()
    {
        var ledger = Running();
        var first = ledger.Configure(Configure("c1", "a1"), "client-1", Everywhere);
        Assert.Equal(("a", "c1"), (first.ToPlant!.Value.Plant, Assert.IsType<ConfigurePlantVm>(first.ToPlant.Value.Message).RequestId));
        var second = first.Ledger.Configure(Configure("c2", "a2"), "client-2", Everywhere);
        var third = second.Ledger.Configure(Configure("c3", "a3"), "client-3", Everywhere);
        Assert.Null(second.ToPlant);
        Assert.Null(third.ToPlant);
        Assert.Equal(["c1", "c2", "c3"], third.Ledger.Configuring["vm"].Select(p => p.Request.RequestId));

        // Each outcome sends the next: a success, a plant's rejection, a failure.
        var done1 = third.Ledger.Ready(Ready("c1", "a1"));
        Assert.IsType<VmConfigured>(done1.Event);
        Assert.Equal("c2", Assert.IsType<ConfigurePlantVm>(done1.ToPlant!.Value.Message).RequestId);
        var rejected2 = Journal(done1).Rejected(new RequestRejected("c2", "invalid VM spec: actions[a2].id: is already an action of VM 'vm'"));
        Assert.Equal("c2", Assert.IsType<RequestRejected>(rejected2.TellWaiting).RequestId);
        Assert.Equal("c3", Assert.IsType<ConfigurePlantVm>(rejected2.ToPlant!.Value.Message).RequestId);
        var failed3 = rejected2.Ledger.Failed(new VmFailed("c3", "vm", "a", "action a3 exited 1"));
        Assert.IsType<CreateVmFailed>(failed3.TellWaiting);
        Assert.Null(failed3.ToPlant);
        Assert.Empty(failed3.Ledger.Configuring);
        Assert.Empty(failed3.Ledger.ConfiguresById);
    }

    [Fact]
    public void A_destroy_refuses_the_configures_still_waiting_for_their_turn_and_the_one_at_the_plant_gets_its_answer()
    {
        var queued = Running().Configure(Configure("c1", "a1"), "client-1", Everywhere).Ledger
            .Configure(Configure("c2", "a2"), "client-2", Everywhere).Ledger
            .Configure(Configure("c3", "a3"), "client-3", Everywhere).Ledger;
        var removed = queued.Destroy(new DestroyVm("vm"), "client-9", Everywhere).Ledger.Removed(new VmDestroyed("vm", "a"), Now);

        Assert.IsType<VmDeleted>(removed.Event);
        Assert.Equal(["c2", "c3"], removed.TellWaitingFor.Select(t => t.RequestId));
        Assert.All(removed.TellWaitingFor, t => Assert.Equal("VM vm was destroyed before this configure could run; nothing was performed",
            Assert.IsType<RequestRejected>(t.Message).Reason));
        Assert.Equal(["c1"], removed.Ledger.ConfiguresById.Keys);

        // The plant finished c1 before the removal: it is journaled, the VM stays destroyed, nothing more is sent.
        var late = Journal(removed).Ready(Ready("c1", "a1"));
        Assert.IsType<VmConfigured>(late.Event);
        Assert.Null(late.ToPlant);
        Assert.Equal(VmState.Destroyed, Journal(late).Decided.Vms["vm"].State);
        Assert.Empty(late.Ledger.Configuring);
    }

    [Fact]
    public void When_the_plant_goes_its_vms_configures_are_answered_and_a_gone_plant_gets_no_next_configure()
    {
        var queued = Running().Configure(Configure("c1", "a1"), "client-1", Everywhere).Ledger
            .Configure(Configure("c2", "a2"), "client-2", Everywhere).Ledger;

        var gone = queued.PlantGone("a");
        Assert.Equal(["c1", "c2"], gone.TellWaitingFor.Select(t => t.RequestId));
        Assert.Contains("whether its actions were performed is unknown", Assert.IsType<RequestRejected>(gone.TellWaitingFor[0].Message).Reason);
        Assert.Contains("is not reachable", Assert.IsType<RequestRejected>(gone.TellWaitingFor[1].Message).Reason);
        Assert.Empty(gone.Ledger.Configuring);
        Assert.Empty(queued.PlantGone("b").TellWaitingFor);

        // The plant answered c1, but is no longer registered when c2's turn comes.
        var next = queued.Ready(Ready("c1", "a1"), reachable: _ => false);
        Assert.Null(next.ToPlant);
        Assert.Equal("c2", Assert.Single(next.TellWaitingFor).RequestId);
        Assert.Empty(next.Ledger.Configuring);
    }
}
