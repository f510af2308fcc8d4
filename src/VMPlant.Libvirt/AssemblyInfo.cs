namespace VMPlant.Libvirt;
