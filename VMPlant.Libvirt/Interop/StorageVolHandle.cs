using Microsoft.Win32.SafeHandles;

namespace VMPlant.Libvirt.Interop;

/// <summary>Owns one reference to a libvirt virStorageVolPtr; released with virStorageVolFree.</summary>
internal sealed class StorageVolHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // Used by the source-generated marshaller for returned pointers.
    public StorageVolHandle() : base(ownsHandle: true) { }

    // Used for pointers taken out of libvirt-allocated arrays.
    internal StorageVolHandle(nint existing) : base(ownsHandle: true) => SetHandle(existing);

    protected override bool ReleaseHandle() => StorageVolNative.virStorageVolFree(handle) == 0;
}
