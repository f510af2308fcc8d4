using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Coordination;
using Akka.Event;
using Microsoft.Data.Sqlite;
using VMPlant.Actors.Shop;
using VMPlant.Host.Configuration;
using VMPlant.Messages.Specs;

namespace VMPlant.Host.Node;

/// <summary>
/// The shop singleton's lease when the shop journals to a SQLite file (shared by the shop nodes of one machine): an
/// exclusive flock on <c>DATABASE.shop-lease</c> beside that file. The singleton manager takes it before it starts the
/// shop, so two shops never run at once whatever the failure detector and the split brain resolver decide, and
/// the kernel drops it the moment its process dies: after a kill -9 the new shop may start as soon as the dead node
/// is removed, with no removal margin. A node that is alive but cut off (a partition) or frozen (SIGSTOP) keeps it
/// until its shop has stopped, and the new shop waits for that.
/// </summary>
/// <remarks>
/// The manager releases the lease as it leaves the oldest state, which can be before the shop has finished
/// stopping (it journals what it decided first); the lock is therefore kept until the singleton has terminated.
/// Never delete the lease file while nodes run: a new file would be a second, independent lock.
/// </remarks>
public sealed class ShopFileLease : Lease
{
    /// <summary>The lease's HOCON block (vmplant.conf): lease-class, mode, retry-interval.</summary>
    public const string ConfigPath = "vmplant.shop.lease";

    private readonly ExtendedActorSystem _system;
    private readonly ILoggingAdapter _log;
    private readonly object _gate = new();
    private FileStream? _file;
    // Counts acquisitions, so that a release still waiting for the old singleton does not drop a lock taken again since.
    private long _acquisitions;

    public ShopFileLease(LeaseSettings settings, ExtendedActorSystem system) : base(settings)
    {
        _system = system;
        _log = Logging.GetLogger(system, nameof(ShopFileLease));
        Path = LeaseFile(system.Settings.Config, SettingsReader.Shop(system.Settings.Config))
               ?? throw new LeaseException($"{ConfigPath}: the shop file lease needs the shop to journal to a SQLite file");
        // An actor system may end without its process (tests run several in one): the lock goes with it.
        system.WhenTerminated.ContinueWith(_ => Unlock(), TaskScheduler.Default);
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// The lock file for the shop's journal, or null when the lease is off: <c>vmplant.shop.lease.mode = off</c>, or
    /// the shop's journal is not a SQLite file (PostgreSQL: the removal margin protects the hand-over instead).
    /// </summary>
    /// <exception cref="ConfigurationException">The mode is neither auto nor off.</exception>
    public static string? LeaseFile(Config config, ShopSettings shop)
    {
        var mode = config.GetString(ConfigPath + ".mode", "auto");
        if (mode == "off") return null;
        if (mode != "auto") throw new ConfigurationException($"{ConfigPath}.mode: expected auto or off, not {Excerpt.Of(mode)}");
        var plugin = shop.JournalPluginId.Length > 0 ? shop.JournalPluginId : config.GetString("akka.persistence.journal.plugin", "");
        if (plugin.Length == 0 || !config.GetString(plugin + ".provider-name", "").StartsWith("SQLite", StringComparison.OrdinalIgnoreCase))
            return null;
        var database = new SqliteConnectionStringBuilder(config.GetString(plugin + ".connection-string", ""));
        if (database.Mode == SqliteOpenMode.Memory || database.DataSource is "" or ":memory:") return null;
        return System.IO.Path.GetFullPath(database.DataSource) + ".shop-lease";
    }

    public override Task<bool> Acquire() => Task.FromResult(TryLock());

    /// <summary>An flock is not lost while its process lives, so the callback is never called.</summary>
    public override Task<bool> Acquire(Action<Exception> leaseLostCallback) => Acquire();

    public override bool CheckLease()
    {
        lock (_gate) return _file is not null;
    }

    public override async Task<bool> Release()
    {
        long acquisitions;
        lock (_gate) acquisitions = _acquisitions;
        if (Singleton() is { } singleton)
        {
            _log.Info("Shop lease: keeping {0} until the shop singleton has stopped", Path);
            await singleton.WatchAsync();
        }
        lock (_gate)
        {
            if (_acquisitions == acquisitions) UnlockHeld();
        }
        return true;
    }

    private bool TryLock()
    {
        lock (_gate)
        {
            if (_file is null)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                FileStream file;
                try
                {
                    // FileShare.None: .NET takes an exclusive, non-blocking flock (as DataDirectoryLock does)...
                    file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                // Another holder: on Unix .NET reports flock's EWOULDBLOCK as an IOException carrying that errno.
                catch (IOException e) when (e.HResult == Native.WouldBlock)
                {
                    return false;
                }
                // ...and this one does not depend on it (DOTNET_SYSTEM_IO_DISABLEFILELOCKING turns .NET's off).
                if (Native.Flock(file.SafeFileHandle.DangerousGetHandle().ToInt32(), Native.LockExclusive | Native.LockNonBlocking) != 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    var message = Marshal.GetLastPInvokeErrorMessage();
                    file.Dispose();
                    if (error == Native.WouldBlock) return false;
                    throw new LeaseException($"shop lease: cannot lock {Path}: {message}");
                }
                _file = file;
                _log.Info("Shop lease: holding {0}", Path);
            }
            _acquisitions++;
            return true;
        }
    }

    /// <summary>This node's shop singleton (the manager's child), while it exists, terminating included.</summary>
    private IActorRef? Singleton()
    {
        var manager = _system.Provider.ResolveActorRef(_system.Provider.RootPath / "user" / VmPlantNode.SingletonManagerName);
        return manager is ActorRefWithCell cell && cell.GetSingleChild(NodeKeeper.SingletonName) is { } child && !child.IsNobody() ? child : null;
    }

    private void Unlock()
    {
        lock (_gate) UnlockHeld();
    }

    private void UnlockHeld()
    {
        if (_file is null) return;
        // Closing the descriptor drops the flock.
        _file.Dispose();
        _file = null;
        _log.Info("Shop lease: released {0}", Path);
    }

    private static class Native
    {
        public const int LockExclusive = 2;
        public const int LockNonBlocking = 4;
        public const int WouldBlock = 11;

        [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
        public static extern int Flock(int fd, int operation);
    }
}
