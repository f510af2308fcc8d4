using Npgsql;

namespace VMPlant.Tests.Support;

/// <summary>
/// PostgreSQL for the persistence specs when the test command started one (VMPLANT_TEST_POSTGRES holds an admin
/// connection string); each spec gets a database of its own.
/// </summary>
public static class TestDatabases
{
    private static readonly string? AdminConnectionString = Environment.GetEnvironmentVariable("VMPLANT_TEST_POSTGRES");

    public static bool PostgresAvailable => !string.IsNullOrWhiteSpace(AdminConnectionString);

    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        var name = "vmplant_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }
}
