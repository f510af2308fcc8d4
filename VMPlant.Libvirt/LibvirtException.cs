using System.Runtime.InteropServices;
using VMPlant.Libvirt.Interop;

namespace VMPlant.Libvirt;

/// <summary>
/// A libvirt call failed. <see cref="Exception.Message"/> names the call and the object it was
/// working on, then gives libvirt's own explanation, e.g.
/// "virStorageVolCreateXMLFrom on pool 'default' (volume 'vm-1') failed: internal error: Not enough free space in pool for volume 'vm-1'".
/// </summary>
public sealed class LibvirtException : Exception
{
    public LibvirtException(string operation, string target, int code, int errorDomain, string libvirtMessage)
        : base($"{operation} on {target} failed: {libvirtMessage}")
    {
        Operation = operation;
        Target = target;
        Code = code;
        ErrorDomain = errorDomain;
        LibvirtMessage = libvirtMessage;
    }

    /// <summary>The libvirt function that failed, e.g. "virDomainCreate".</summary>
    public string Operation { get; }

    /// <summary>What it was working on, e.g. "pool 'default' (volume 'vm-1')".</summary>
    public string Target { get; }

    /// <summary>libvirt's virErrorNumber (e.g. 42 = VIR_ERR_NO_DOMAIN); 0 when libvirt gave no error.</summary>
    public int Code { get; }

    /// <summary>libvirt's virErrorDomain: the part of libvirt that raised it (e.g. 12 = VIR_FROM_TEST).</summary>
    public int ErrorDomain { get; }

    /// <summary>libvirt's own message.</summary>
    public string LibvirtMessage { get; }

    /// <summary>
    /// Builds the exception from this thread's libvirt error, which the failed call left behind;
    /// call it straight after the failure, before any other libvirt call on the thread.
    /// </summary>
    /// <param name="describeTarget">
    /// Called after libvirt's error has been copied, so it may itself call libvirt (e.g. for an
    /// object's name), which resets that error.
    /// </param>
    internal static unsafe LibvirtException FromLastError(string operation, Func<string> describeTarget)
    {
        var error = ErrorNative.virGetLastError();
        var (code, domain, message) = error == null
            ? (0, 0, "libvirt reported no error details")
            : (error->Code, error->Domain, Marshal.PtrToStringUTF8(error->Message) ?? "libvirt gave no message");
        return new LibvirtException(operation, describeTarget(), code, domain, message);
    }
}
