using VMPlant.Actors.Domain;
using VMPlant.Messages;
using Xunit;

namespace VMPlant.Tests.Actors.Domain;

public sealed class VmOwnershipSpec
{
    private static readonly Caller Alice = new("alice", IsOperator: false);
    private static readonly Caller Bob = new("bob", IsOperator: false);
    private static readonly Caller Root = new("root", IsOperator: true);

    [Fact]
    public void The_owner_and_operators_may_change_an_owned_vm_nobody_else()
    {
        Assert.Null(VmOwnership.Refusal(Alice, "alice", "vm-1"));
        Assert.Null(VmOwnership.Refusal(Root, "alice", "vm-1"));
        Assert.Equal("VM vm-1 belongs to alice, not to bob: only its owner or an operator may change it", VmOwnership.Refusal(Bob, "alice", "vm-1"));
        Assert.Contains("anonymous", VmOwnership.Refusal(null, "alice", "vm-1"));
    }

    [Fact]
    public void A_vm_without_owner_may_be_changed_by_anyone()
    {
        Assert.Null(VmOwnership.Refusal(null, null, "vm-1"));
        Assert.Null(VmOwnership.Refusal(Bob, null, "vm-1"));
    }
}
