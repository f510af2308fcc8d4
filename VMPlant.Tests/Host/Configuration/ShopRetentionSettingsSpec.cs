using Akka.Configuration;
using VMPlant.Actors.Domain;
using VMPlant.Host.Configuration;
using Xunit;

namespace VMPlant.Tests.Host.Configuration;

/// <summary>vmplant.shop.retention and vmplant.limits reach the shop's settings; a bad value is one clear line.</summary>
public sealed class ShopRetentionSettingsSpec
{
    [Fact]
    public void The_shipped_defaults_and_an_operators_values_are_read()
    {
        Assert.Equal(ShopRetention.Default, SettingsReader.Shop(NodeConfig.Load()).Retention);

        var settings = SettingsReader.Shop(NodeConfig.Load(overrides: ["""
            vmplant.shop.retention { max-age = 2h, max-requests = 50, idempotency-window = 3d, idempotency-max-requests = 500, destroyed-vms = 10m }
            vmplant.limits.request-id-length = 64
            """]));
        Assert.Equal(new ShopRetention(TimeSpan.FromHours(2), 50, TimeSpan.FromDays(3), 500, TimeSpan.FromMinutes(10)), settings.Retention);
        Assert.Equal(64, settings.Limits.RequestIdLength);
    }

    [Theory]
    [InlineData("max-requests = 0", "vmplant.shop.retention.max-requests: expected a positive whole number")]
    [InlineData("max-age = 0s", "vmplant.shop.retention.max-age: expected a positive duration such as 1d")]
    public void A_value_that_cannot_bound_anything_is_refused_naming_its_key(string line, string error)
    {
        var config = NodeConfig.Load(overrides: [$"vmplant.shop.retention.{line}"]);
        Assert.Contains(error, Assert.Throws<ConfigurationException>(() => SettingsReader.Shop(config)).Message);
    }
}
