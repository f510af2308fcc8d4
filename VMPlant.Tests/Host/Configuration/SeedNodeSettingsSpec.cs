using Akka.Configuration;
using VMPlant.Host.Configuration;
using Xunit;

namespace VMPlant.Tests.Host.Configuration;

/// <summary>vmplant.node.seed-nodes and founding-wait: which node may found a cluster, and bad addresses refused.</summary>
public sealed class SeedNodeSettingsSpec
{
    private static NodeSettings Read(string text) => SettingsReader.Node(NodeConfig.Load(overrides: [text]));

    [Theory]
    [InlineData("shop-1", 4053, true)]
    [InlineData("SHOP-1", 4053, true)]
    [InlineData("shop-2", 4053, false)]
    [InlineData("shop-1", 4054, false)]
    public void Only_the_head_of_a_seed_list_naming_others_founds_when_they_are_silent(string host, int port, bool founds)
    {
        var settings = Read($"""
            vmplant.node {'{'} hostname = "{host}", port = {port}
              seed-nodes = ["akka.tcp://vmplant@shop-1:4053", "akka.tcp://vmplant@shop-2:4053"] {'}'}
            """);
        Assert.Equal(founds, settings.FoundsWhenSeedsAreSilent);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.FoundingWait);
    }

    [Fact]
    public void A_lone_seed_founds_at_once_as_before()
    {
        var settings = Read("""vmplant.node { hostname = "shop-1", port = 4053, seed-nodes = ["akka.tcp://vmplant@shop-1:4053"], founding-wait = 5m }""");
        Assert.False(settings.FoundsWhenSeedsAreSilent);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.FoundingWait);
    }

    [Theory]
    [InlineData("""seed-nodes = ["shop-1:4053"]""", "vmplant.node.seed-nodes: \"shop-1:4053\" is not a node address")]
    [InlineData("""seed-nodes = ["akka.tcp://vmplant@shop-1"]""", "is not a node address such as akka.tcp://vmplant@shop-1:4053")]
    [InlineData("founding-wait = 0s", "vmplant.node.founding-wait: expected a positive duration")]
    public void A_bad_value_is_refused_naming_its_key(string line, string error)
    {
        var problem = Assert.Throws<ConfigurationException>(() => Read($"vmplant.node.{line}"));
        Assert.Contains(error, problem.Message);
    }
}
