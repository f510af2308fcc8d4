using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VMPlant.Libvirt.Qemu;

/// <summary>
/// Performs configuration actions on a guest root mounted on the host (<see cref="OfflineDisk"/>). Every write and
/// program runs inside the guest root through chroot, so the image's own symlinks cannot reach the host's files.
/// Each performed action also appends what the guest should report at boot to <see cref="ReportFile"/>
/// (read by vmplant-init, the guest's PID 1).
/// </summary>
public sealed partial class GuestActions(GuestActionSettings settings)
{
    public const string ReportFile = "/etc/vmplant/report";
    private const string SysctlFile = "/etc/sysctl.d/90-vmplant.conf";

    /// <summary>The kinds performed here; install-os is never performed: a real plant starts from that OS's base image.</summary>
    public static readonly ImmutableArray<string> Kinds = ["install-package", "copy-file", "run-script", "set-property"];

    /// <summary>Why this action cannot be performed here (checked at bid time), or null when it can.</summary>
    public string? Refusal(string kind, IReadOnlyDictionary<string, string> args)
    {
        switch (kind)
        {
            case "install-os":
                return $"no base image for install-os {Describe(args)} on this plant";
            case "install-package":
                var packages = Packages(args);
                if (packages.Count == 0) return "install-package needs args.packages (a list of Debian package names)";
                return packages.FirstOrDefault(p => !PackageName().IsMatch(p)) is { } bad ? $"install-package: '{bad}' is not a Debian package name" : null;
            case "copy-file":
                if (!args.TryGetValue("target", out var target) || !IsSafeGuestPath(target))
                    return "copy-file needs args.target, an absolute path without '..'";
                if (args.ContainsKey("content")) return null;
                if (!args.TryGetValue("source", out var source)) return "copy-file needs args.source (a host file) or args.content";
                if (!IsUnderCopyRoots(source))
                    return $"copy-file source {source} is outside this plant's copy-from directories ({string.Join(", ", settings.CopyRoots)})";
                return File.Exists(source) ? null : $"copy-file source {source} does not exist on this plant";
            case "run-script":
                return args.TryGetValue("script", out var script) && !string.IsNullOrWhiteSpace(script) ? null : "run-script needs args.script";
            case "set-property":
                if (!args.TryGetValue("key", out var key) || !args.TryGetValue("value", out var value))
                    return "set-property needs args.key and args.value";
                return key switch
                {
                    "hostname" => HostName().IsMatch(value) ? null : $"set-property hostname: '{value}' is not a host name",
                    "user" => UserName().IsMatch(value) ? null : $"set-property user: '{value}' is not a user name",
                    _ when SysctlKey().IsMatch(key) => value.Contains('\n') ? "set-property: a sysctl value is one line" : null,
                    _ => $"set-property key '{key}' is not hostname, user or a sysctl key (a.b.c)",
                };
            default:
                return $"cannot perform action kind '{kind}' (a real plant performs {string.Join(", ", Kinds)}; install-os picks a base image)";
        }
    }

    /// <summary>Performs one action; a non-zero exit code is the action's failure, reported with its output.</summary>
    public async Task<CommandResult> PerformAsync(OfflineDisk disk, string kind, IReadOnlyDictionary<string, string> args, CancellationToken cancellation)
    {
        if (Refusal(kind, args) is { } refusal)
            return new CommandResult(2, "", refusal, TimeSpan.Zero);
        return kind switch
        {
            "install-package" => await InstallPackagesAsync(disk, Packages(args), cancellation),
            "copy-file" => await CopyFileAsync(disk.Root, args, cancellation),
            "run-script" => await disk.WithKernelFileSystemsAsync(() => InGuestAsync(disk.Root, args["script"], [], null, cancellation), cancellation),
            _ => await SetPropertyAsync(disk.Root, args["key"], args["value"], cancellation),
        };
    }

    private async Task<CommandResult> CopyFileAsync(string root, IReadOnlyDictionary<string, string> args, CancellationToken cancellation)
    {
        var content = args.TryGetValue("content", out var text) ? Encoding.UTF8.GetBytes(text) : await File.ReadAllBytesAsync(args["source"], cancellation);
        var mode = args.TryGetValue("mode", out var m) && FileMode().IsMatch(m) ? m : "0644";
        return await InGuestAsync(root,
            """mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1" && echo "file $1" >> "$3" """,
            [args["target"], mode, ReportFile], content, cancellation);
    }

    private Task<CommandResult> SetPropertyAsync(string root, string key, string value, CancellationToken cancellation) => key switch
    {
        "hostname" => InGuestAsync(root, """echo "$1" > /etc/hostname && printf '127.0.1.1\t%s\n' "$1" >> /etc/hosts""", [value], null, cancellation),
        "user" => InGuestAsync(root, """id -u "$1" >/dev/null 2>&1 || useradd -m "$1" 2>/dev/null || adduser -D "$1" """, [value], null, cancellation),
        _ => InGuestAsync(root, """mkdir -p /etc/sysctl.d && echo "$1 = $2" >> "$3" && echo "sysctl $1" >> "$4" """,
            [key, value, SysctlFile, ReportFile], null, cancellation),
    };

    /// <summary>
    /// Resolves the packages with the host's apt lists against the image's own dpkg status (no apt lists and no
    /// network needed in the image), fetches the .debs on the host into the deb cache, and installs them with dpkg
    /// in the guest root.
    /// </summary>
    private async Task<CommandResult> InstallPackagesAsync(OfflineDisk disk, IReadOnlyList<string> packages, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var status = Path.Combine(disk.Root, "var/lib/dpkg/status");
        if (!File.Exists(status))
            return new CommandResult(2, "", "install-package: this image has no dpkg (it is not a Debian image)", clock.Elapsed);
        var plan = await HostCommand.RunAsync("apt-get",
            ["-q", "-s", "-o", $"Dir::State::status={status}", "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
             "--no-install-recommends", "install", .. packages], settings.ActionTimeout, cancellation);
        if (!plan.Succeeded) return plan with { Duration = clock.Elapsed };
        var wanted = AptPlan.Installs(plan.StdoutTail);
        Directory.CreateDirectory(settings.DebCacheDir);
        var missing = wanted.Where(p => AptPlan.FindDeb(settings.DebCacheDir, p) is null).Select(p => $"{p.Name}={p.Version}").ToList();
        if (missing.Count > 0)
        {
            var download = await HostCommand.RunAsync("apt-get", ["-q", "download", .. missing], settings.ActionTimeout, cancellation,
                workingDirectory: settings.DebCacheDir);
            if (!download.Succeeded) return download with { Duration = clock.Elapsed };
        }
        var staging = "/var/cache/vmplant-debs";
        var hostStaging = Path.Combine(disk.Root, staging.TrimStart('/'));
        Directory.CreateDirectory(hostStaging);
        try
        {
            foreach (var p in wanted)
                File.Copy(AptPlan.FindDeb(settings.DebCacheDir, p) ?? throw new HostCommandException($"apt-get download left no .deb for {p.Name} {p.Version}"),
                    Path.Combine(hostStaging, $"{p.Name}.deb"), overwrite: true);
            var install = wanted.Count == 0
                ? new CommandResult(0, "nothing to install: already present\n", "", TimeSpan.Zero)
                : await disk.WithKernelFileSystemsAsync(() => InGuestAsync(disk.Root, """dpkg -i "$1"/*.deb""", [staging], null, cancellation), cancellation);
            if (!install.Succeeded) return install with { Duration = clock.Elapsed };
            var report = await InGuestAsync(disk.Root, """for p in "$@"; do echo "package $p" >> /etc/vmplant/report; done""", packages, null, cancellation);
            return install with { Duration = clock.Elapsed, ExitCode = report.ExitCode };
        }
        finally
        {
            Directory.Delete(hostStaging, recursive: true);
        }
    }

    /// <summary>chroot ROOT /bin/sh -c SCRIPT sh ARGS… with a clean environment.</summary>
    private Task<CommandResult> InGuestAsync(string root, string script, IEnumerable<string> args, byte[]? stdin, CancellationToken cancellation) =>
        HostCommand.RunAsync("chroot", [root, "/bin/sh", "-c", "mkdir -p /etc/vmplant; " + script, "sh", .. args], settings.ActionTimeout, cancellation,
            environment: new Dictionary<string, string>
            {
                ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                ["HOME"] = "/root",
                ["DEBIAN_FRONTEND"] = "noninteractive",
                ["LANG"] = "C.UTF-8",
            }, stdin: stdin);

    /// <summary>args.packages as the spec canonicalised it: a JSON list, or one name (or several separated by spaces).</summary>
    public static IReadOnlyList<string> Packages(IReadOnlyDictionary<string, string> args)
    {
        if (!args.TryGetValue("packages", out var value) && !args.TryGetValue("package", out value)) return [];
        if (value.TrimStart().StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<string[]>(value) ?? [];
            }
            catch (JsonException)
            {
                return [value];
            }
        }
        return value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
    }

    private bool IsUnderCopyRoots(string source) =>
        Path.IsPathFullyQualified(source)
        && settings.CopyRoots.Any(r => Path.GetFullPath(source).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)) + "/", StringComparison.Ordinal));

    private static bool IsSafeGuestPath(string path) =>
        path.StartsWith('/') && !path.Split('/').Contains("..") && !path.Contains('\0') && path.Length < 4096 && !path.EndsWith('/');

    private static string Describe(IReadOnlyDictionary<string, string> args) =>
        "{" + string.Join(", ", args.Select(a => $"{a.Key} = {a.Value}")) + "}";

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]{0,99}\z")]
    private static partial Regex PackageName();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}\z")]
    private static partial Regex UserName();

    [GeneratedRegex(@"^[a-z0-9_]+(\.[a-z0-9_-]+)+\z")]
    private static partial Regex SysctlKey();

    [GeneratedRegex(@"^0?[0-7]{3}\z")]
    private static partial Regex FileMode();
}
