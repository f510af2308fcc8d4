using ScottPlot;

namespace VMPlant.Bench;

/// <summary>PNG and SVG charts of a report: latency vs plants, and work saved vs cache size per reuse rule.</summary>
public static class BenchPlots
{
    public static IReadOnlyList<string> Write(BenchReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        if (report.Placement is { Rows.Count: > 0 } placement)
        {
            var plot = new Plot();
            var positions = placement.Rows.Select((_, i) => (double)i).ToArray();
            // Latencies span two orders of magnitude (one busy plant vs many): a log scale keeps them all readable.
            void Line(string label, Func<PlacementRow, double> value)
            {
                var line = plot.Add.Scatter(positions, placement.Rows.Select(r => Math.Log10(Math.Max(0.01, value(r)))).ToArray());
                line.LegendText = label;
            }
            Line("placement p50", r => r.PlacementMs.P50);
            Line("placement p95", r => r.PlacementMs.P95);
            Line("placement p99", r => r.PlacementMs.P99);
            Line("create p50", r => r.CreateMs.P50);
            Line("create p99", r => r.CreateMs.P99);
            plot.Axes.Bottom.SetTicks(positions, placement.Rows.Select(r => r.Plants.ToString()).ToArray());
            plot.Axes.Bottom.Label.Text = "plants (64 per process, libvirt test driver)";
            plot.Axes.Left.Label.Text = "milliseconds (log scale)";
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => Math.Pow(10, y).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.Title("VMPlant latency vs plants");
            plot.ShowLegend(Alignment.UpperRight);
            written.AddRange(Save(plot, Path.Combine(directory, "latency-vs-plants")));
        }
        if (report.Cache is { Sweep.Count: > 0 } cache)
        {
            var plot = new Plot();
            var positions = cache.Sweep.Select(p => Math.Log2(p.MaxImages)).ToArray();
            void Line(string label, Func<CacheSweepPoint, double> value)
            {
                var line = plot.Add.Scatter(positions, cache.Sweep.Select(value).ToArray());
                line.LegendText = label;
            }
            Line("VMPlant (partial graph + core images)", p => p.VmPlant);
            Line("exact prefix (Docker rule)", p => p.ExactPrefix);
            Line("whole image (Nova rule)", p => p.WholeImage);
            plot.Axes.Bottom.SetTicks(positions, cache.Sweep.Select(p => p.MaxImages.ToString()).ToArray());
            plot.Axes.Bottom.Label.Text = $"golden images per plant ({cache.Plants} plants)";
            plot.Axes.Left.Label.Text = "× less work than no cache";
            plot.Title("Work saved vs cache size");
            plot.ShowLegend(Alignment.UpperLeft);
            written.AddRange(Save(plot, Path.Combine(directory, "saving-vs-cache-size")));
        }
        return written;
    }

    private static IEnumerable<string> Save(Plot plot, string basePath)
    {
        plot.SavePng(basePath + ".png", 900, 540);
        plot.SaveSvg(basePath + ".svg", 900, 540);
        return [basePath + ".png", basePath + ".svg"];
    }
}
