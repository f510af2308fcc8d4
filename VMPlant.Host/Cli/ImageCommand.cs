using System.CommandLine;
using System.Diagnostics;

namespace VMPlant.Host.Cli;

/// <summary>
/// `image build`: makes the base images real plants boot from (kernel, initrd, busybox and Debian 12 minbase qcow2
/// roots) with guest/build-images.sh, once: the output directory is named by a hash of the guest scripts and the
/// kernel version, and CACHE/current points at the latest build.
/// </summary>
public static class ImageCommand
{
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "guest", "build-images.sh");

    public static Command Create()
    {
        var cache = new Option<string>("--cache") { Description = "Image cache directory", DefaultValueFactory = _ => "/var/cache/vmplant/images" };
        var which = new Argument<string>("which") { Description = "busybox, debian or all", DefaultValueFactory = _ => "all" };
        which.AcceptOnlyFromAmong("busybox", "debian", "all");
        var build = new Command("build", "Build the base images for real plants (cached; Debian takes 1-5 min the first time)") { cache, which };
        build.SetAction(async (parse, cancellation) =>
        {
            var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { ScriptPath, Path.GetFullPath(parse.GetValue(cache)!), parse.GetValue(which)! }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync(cancellation);
            await process.WaitForExitAsync(cancellation);
            if (process.ExitCode != 0)
            {
                await Console.Error.WriteLineAsync($"error: {ScriptPath} exited {process.ExitCode}");
                return ExitCodes.Refused;
            }
            Console.WriteLine(output.Trim());
            return ExitCodes.Ok;
        });
        return new Command("image", "Base images for real plants") { build };
    }
}
