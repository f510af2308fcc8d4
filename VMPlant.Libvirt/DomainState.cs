namespace VMPlant.Libvirt;

/// <summary>libvirt's virDomainState.</summary>
public enum DomainState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    ShuttingDown = 4,
    Shutoff = 5,
    Crashed = 6,
    PMSuspended = 7,
}
