namespace VMPlant.Tests.Domain;

/// <summary>Finds files of the repository from the test's output directory.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string ExamplesDirectory => Path.Combine(Root, "hocon", "examples");

    public static string Example(string fileName) => Path.Combine(ExamplesDirectory, fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VMPlant.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No VMPlant.sln above {AppContext.BaseDirectory}.");
    }
}
