using VMPlant.Actors.Domain;
using Xunit;
using static VMPlant.Tests.Support.SpecBuilder;

namespace VMPlant.Tests.Actors.Domain.Cache;

public sealed class ImageCacheSpec
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CostModel Model = new(CloneCost: 30, LoadWeight: 0);
    private static readonly GoldenImage Base = GoldenImage.Base("base", "base.qcow2", 1_000, T0);

    private static CachePolicy Policy(PublishRule rule = PublishRule.WhenWorthIt, double minSaved = 100, int maxImages = 100, long maxBytes = 1_000_000) =>
        new(rule, minSaved, maxImages, maxBytes);

    private static ConfigDag MpiNode() => Dag(DebianOs(cost: 600), OpenMpi(cost: 120), Action("hosts", "copy-file", 2, ["os"]));

    private static GoldenImage Image(string id, double buildCost, long size, DateTimeOffset? created = null) =>
        new(id, id + ".qcow2", [ActionIdentityHasher.Compute("test", Args(("image", id)), [])], buildCost, size, created ?? T0);

    private static GoldenImage OsImage(ConfigDag dag) =>
        new("os", "os.qcow2", [dag["os"].Identity], 600, 5_000, T0);

    [Fact]
    public void WhenWorthIt_publishes_when_the_work_done_reaches_the_minimum()
    {
        var node = MpiNode();
        var cache = new ImageCache(Policy(minSaved: 122)).Publish(Base).Publish(OsImage(node));
        var fromOs = cache.FindBest(node, Model, 0)!;
        Assert.Equal(122, fromOs.MissingCost);

        Assert.True(cache.ShouldPublish(node, fromOs));
        Assert.False(cache.WithPolicy(Policy(minSaved: 122.5)).ShouldPublish(node, fromOs));
    }

    [Fact]
    public void An_action_set_already_cached_is_never_published_again()
    {
        var node = MpiNode();
        var cache = new ImageCache(Policy(PublishRule.Always)).Publish(Base).Publish(GoldenImage.FromDag("full", "full.qcow2", node, 9, T0));
        var match = cache.FindBest(node, Model, 0)!;

        Assert.Equal("full", match.Image.ImageId);
        Assert.False(cache.ShouldPublish(node, match));
    }

    [Fact]
    public void Always_publishes_new_sets_and_never_publishes_nothing()
    {
        var node = MpiNode();
        var cache = new ImageCache(Policy(PublishRule.Always, minSaved: 1e6)).Publish(Base);
        var match = cache.FindBest(node, Model, 0)!;

        Assert.True(cache.ShouldPublish(node, match));
        Assert.False(cache.WithPolicy(Policy(PublishRule.Never, minSaved: 0)).ShouldPublish(node, match));
    }

    [Fact]
    public void Publish_tracks_images_bytes_and_usage()
    {
        var cache = new ImageCache(Policy()).Publish(Base).Publish(Image("a", 100, 500, T0.AddHours(1)));

        Assert.Equal(2, cache.Count);
        Assert.Equal(1_500, cache.TotalBytes);
        Assert.True(cache.TryGetUsage("a", out var usage));
        Assert.Equal(new ImageUsage(0, T0.AddHours(1)), usage);
        Assert.True(cache.Contains("a"));
        Assert.Equal(["a", "base"], cache.Images.Select(i => i.ImageId));
    }

    [Fact]
    public void Republishing_an_id_replaces_the_image_and_keeps_its_usage()
    {
        var cache = new ImageCache(Policy())
            .Publish(Image("a", 100, 500))
            .RecordHit("a", T0.AddDays(1))
            .Publish(Image("a", 100, 800));

        Assert.Equal(1, cache.Count);
        Assert.Equal(800, cache.TotalBytes);
        Assert.True(cache.TryGetUsage("a", out var usage));
        Assert.Equal(new ImageUsage(1, T0.AddDays(1)), usage);
    }

    [Fact]
    public void RecordHit_counts_and_keeps_the_latest_time()
    {
        var cache = new ImageCache(Policy()).Publish(Image("a", 100, 500))
            .RecordHit("a", T0.AddHours(5))
            .RecordHit("a", T0.AddHours(2));

        Assert.True(cache.TryGetUsage("a", out var usage));
        Assert.Equal(new ImageUsage(2, T0.AddHours(5)), usage);
    }

    [Fact]
    public void RecordHit_on_an_unknown_image_changes_nothing()
    {
        var cache = new ImageCache(Policy()).Publish(Base);

        Assert.Same(cache, cache.RecordHit("gone", T0));
    }

    [Fact]
    public void Remove_drops_the_image_from_the_index_too()
    {
        var node = MpiNode();
        var cache = new ImageCache(Policy()).Publish(Base).Publish(OsImage(node));
        Assert.Equal("os", cache.FindBest(node, Model, 0)!.Image.ImageId);

        var smaller = cache.Remove("os");

        Assert.Equal("base", smaller.FindBest(node, Model, 0)!.Image.ImageId);
        Assert.Equal(1_000, smaller.TotalBytes);
        Assert.False(smaller.TryGetUsage("os", out _));
        Assert.Same(smaller, smaller.Remove("os"));
        Assert.Equal("os", cache.FindBest(node, Model, 0)!.Image.ImageId);
    }

    [Fact]
    public void Nothing_is_evicted_within_the_limits()
    {
        var cache = new ImageCache(Policy(maxImages: 3, maxBytes: 2_000)).Publish(Base).Publish(Image("a", 10, 500)).Publish(Image("b", 10, 500));

        Assert.Empty(cache.ChooseEvictions());
    }

    [Fact]
    public void Too_many_images_evicts_the_least_valuable()
    {
        var cache = new ImageCache(Policy(maxImages: 3))
            .Publish(Base)
            .Publish(Image("cheap", 10, 1_000))      // value 0.01
            .Publish(Image("dear", 1_000, 1_000))    // value 1
            .Publish(Image("popular", 10, 1_000))    // value 0.01 × 4 hits
            .RecordHit("popular", T0).RecordHit("popular", T0).RecordHit("popular", T0);

        Assert.Equal(["cheap"], cache.ChooseEvictions().Select(i => i.ImageId));
    }

    [Fact]
    public void Too_many_bytes_evicts_until_the_rest_fits()
    {
        var cache = new ImageCache(Policy(maxBytes: 6_000))
            .Publish(Base)                            // 1 000 bytes, kept
            .Publish(Image("small", 100, 1_000))      // value 0.1
            .Publish(Image("large", 1_000, 4_000))    // value 0.25
            .Publish(Image("bulky", 100, 3_000));     // value 0.033

        // 9 000 bytes: dropping bulky leaves 6 000.
        Assert.Equal(["bulky"], cache.ChooseEvictions().Select(i => i.ImageId));
        Assert.Equal(["bulky", "small"], cache.WithPolicy(Policy(maxBytes: 5_500)).ChooseEvictions().Select(i => i.ImageId));
    }

    [Fact]
    public void Among_equal_values_the_least_recently_used_goes_first()
    {
        var cache = new ImageCache(Policy(maxImages: 2))
            .Publish(Image("recent", 10, 100, T0.AddHours(3)))
            .Publish(Image("old", 10, 100, T0.AddHours(1)))
            .Publish(Image("middle", 10, 100, T0.AddHours(2)));

        Assert.Equal(["old"], cache.ChooseEvictions().Select(i => i.ImageId));

        var allHitOnce = cache.RecordHit("old", T0.AddHours(9)).RecordHit("middle", T0.AddHours(8)).RecordHit("recent", T0.AddHours(7));
        Assert.Equal(["recent"], allHitOnce.ChooseEvictions().Select(i => i.ImageId));
    }

    [Fact]
    public void The_base_image_is_never_evicted()
    {
        var cache = new ImageCache(Policy(maxImages: 1, maxBytes: 10))
            .Publish(Base)
            .Publish(Image("a", 10_000, 100));

        Assert.Equal(["a"], cache.ChooseEvictions().Select(i => i.ImageId));
        Assert.Empty(cache.Remove("a").ChooseEvictions());
    }

    [Fact]
    public void Retention_value_is_hits_plus_one_times_build_cost_per_byte()
    {
        Assert.Equal(3 * 600.0 / 300, ImageCache.RetentionValue(Image("a", 600, 300), new ImageUsage(2, T0)));
        Assert.Equal(600.0, ImageCache.RetentionValue(Image("a", 600, 0), new ImageUsage(0, T0)));
    }

    [Fact]
    public void Policies_refuse_nonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy(maxImages: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy(maxBytes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy(minSaved: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy(minSaved: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy((PublishRule)42));
    }
}
