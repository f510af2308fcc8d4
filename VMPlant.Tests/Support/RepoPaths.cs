namespace VMPlant.Tests.Support;

/// <summary>Files of the repository itself, found by walking up from the test binaries to VMPlant.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Examples => Path.Combine(Root, "hocon", "examples");

    public static string Example(string fileName) => Path.Combine(Examples, fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VMPlant.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"VMPlant.sln not found above {AppContext.BaseDirectory}");
    }
}
