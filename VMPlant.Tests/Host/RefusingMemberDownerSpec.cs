using VMPlant.Host.Node;
using Xunit;

namespace VMPlant.Tests.Host;

/// <summary>The rule that keeps a cut-off minority from downing the rest on refused connections (its processes: Failover/CrashedMemberSpec).</summary>
public sealed class RefusingMemberDownerSpec
{
    [Theory]
    [InlineData(3, 2, true)]   // one of three died: the two others agree
    [InlineData(5, 4, true)]
    [InlineData(5, 2, false)]  // a cut-off minority of two sees three refuse: it must not down them
    [InlineData(2, 1, false)]  // two members: neither side is a majority; the split brain resolver decides
    [InlineData(4, 2, false)]
    public void Only_a_node_that_reaches_a_majority_of_the_members_downs_a_refusing_one(int counted, int reachableOthers, bool mayDown) =>
        Assert.Equal(mayDown, RefusingMemberDowner.MayDown(counted, reachableOthers));
}
