using VMPlant.Host.Configuration;
using Xunit;

namespace VMPlant.Tests.Host.Configuration;

/// <summary>A shop with a store of its own gets plugins at their own paths: its connection, the node's other settings.</summary>
public sealed class ShopPersistenceSettingsSpec
{
    [Fact]
    public void The_shops_plugins_take_its_connection_and_the_nodes_timeouts_and_polling()
    {
        var config = NodeConfig.Load(overrides: ["""
            vmplant.shop.persistence { connection-string = "Data Source=/tmp/shop.db", provider-name = "SQLite.MS", parallelism = 1 }
            akka.persistence.journal.sql.recovery-event-timeout = 77s
            akka.persistence.query.journal.sql.refresh-interval = 700ms
            """]);

        Assert.Equal("Data Source=/tmp/shop.db", config.GetString($"{NodeConfig.ShopJournalPlugin}.connection-string"));
        Assert.Equal(TimeSpan.FromSeconds(77), config.GetTimeSpan($"{NodeConfig.ShopJournalPlugin}.recovery-event-timeout"));
        Assert.Equal(config.GetString("akka.persistence.journal.sql.class"), config.GetString($"{NodeConfig.ShopJournalPlugin}.class"));
        Assert.Equal(NodeConfig.ShopJournalPlugin, config.GetString($"{NodeConfig.ShopReadJournal}.write-plugin"));
        Assert.Equal(TimeSpan.FromMilliseconds(700), config.GetTimeSpan($"{NodeConfig.ShopReadJournal}.refresh-interval"));
        Assert.Equal("Data Source=/tmp/shop.db", config.GetString($"{NodeConfig.ShopSnapshotPlugin}.connection-string"));
        Assert.NotEqual(config.GetString("akka.persistence.journal.sql.connection-string"), config.GetString($"{NodeConfig.ShopJournalPlugin}.connection-string"));
    }
}
