namespace VMPlant.Bench.Workloads;

/// <summary>
/// What grid VMs are made of, with plausible costs (seconds on a fresh VM): base OS installs of 7–20 minutes,
/// middleware of minutes, applications built from source in tens of minutes, small configuration steps in seconds.
/// The generator draws each item's exact cost from its range with the workload's seed.
/// </summary>
public static class WorkloadCatalogue
{
    public sealed record Os(string Distro, string Release, double MinCost, double MaxCost);

    /// <summary>One action of a family chain or an extra.</summary>
    public sealed record Step(string Id, string Kind, string ArgKey, string ArgValue, double MinCost, double MaxCost);

    public sealed record Family(string Name, IReadOnlyList<Step> Chain, IReadOnlyList<string> Solvers);

    /// <param name="Early">Written right after the OS (and so ordered before the middleware); otherwise after the application.</param>
    public sealed record Extra(Step Step, bool Early);

    public static readonly IReadOnlyList<Os> Oses =
    [
        new("debian", "12", 420, 900),
        new("ubuntu", "22.04", 480, 1020),
        new("rocky", "9", 600, 1200),
        new("debian", "11", 420, 900),
        new("ubuntu", "24.04", 480, 1020),
        new("alma", "9", 600, 1200),
        new("opensuse", "15.6", 540, 1140),
        new("centos", "7", 600, 1200),
    ];

    private static readonly string[] MpiSolvers =
        ["lammps", "gromacs", "namd", "openfoam", "wrf", "quantum-espresso", "cp2k", "nwchem", "siesta", "abinit", "elmer", "code-saturne"];

    public static readonly IReadOnlyList<Family> Families =
    [
        new("openmpi", [new("mpi", "install-package", "packages", "openmpi-bin,libopenmpi-dev", 90, 240),
            new("mpi-libs", "install-package", "packages", "libhdf5-openmpi-dev,libfftw3-mpi-dev", 60, 180)], MpiSolvers),
        new("mpich", [new("mpi", "install-package", "packages", "mpich,libmpich-dev", 90, 240),
            new("mpi-libs", "install-package", "packages", "petsc-dev,libscalapack-mpich-dev", 120, 420)], MpiSolvers),
        new("python-sci", [new("python", "install-package", "packages", "python3,python3-pip,python3-venv", 30, 90),
            new("python-libs", "run-script", "script", "pip install numpy scipy mpi4py pandas", 120, 480)],
            ["pytorch", "tensorflow", "jax", "dask", "scikit-learn", "xarray", "biopython", "astropy", "pymc", "qiskit", "fenics", "mdanalysis"]),
        new("cuda", [new("cuda", "install-package", "packages", "cuda-toolkit-12", 600, 1500),
            new("cudnn", "install-package", "packages", "libcudnn9", 120, 300)],
            ["gromacs-cuda", "amber", "relion", "alphafold", "namd-cuda", "cryosparc", "openmm", "hoomd", "lammps-kokkos", "tensorrt", "vasp-gpu", "cp2k-cuda"]),
        new("java", [new("jdk", "install-package", "packages", "openjdk-17-jdk", 60, 180)],
            ["spark", "hadoop", "gatk", "picard", "igv", "elasticsearch", "flink", "kafka", "cassandra", "neo4j", "jupyter-scala", "beast"]),
        new("r-stats", [new("r", "install-package", "packages", "r-base,r-base-dev", 120, 300),
            new("r-libs", "run-script", "script", "Rscript -e 'install.packages(c(\"tidyverse\",\"data.table\"))'", 300, 900)],
            ["bioconductor", "seurat", "stan", "shiny", "caret", "lme4", "brms", "deseq2", "limma", "edger", "sf", "raster"]),
        new("intel-oneapi", [new("oneapi", "install-package", "packages", "intel-oneapi-mpi,intel-oneapi-mkl", 300, 900)], MpiSolvers),
    ];

    public static readonly IReadOnlyList<Extra> Extras =
    [
        new(new("hosts", "copy-file", "target", "/etc/hosts", 1, 5), Early: true),
        new(new("nfs", "install-package", "packages", "nfs-common", 30, 90), Early: true),
        new(new("ssh-keys", "copy-file", "target", "/root/.ssh/authorized_keys", 1, 3), Early: true),
        new(new("monitoring", "install-package", "packages", "prometheus-node-exporter", 30, 120), Early: true),
        new(new("swappiness", "set-property", "sysctl", "vm.swappiness=10", 1, 5), Early: true),
        new(new("toolchain", "install-package", "packages", "build-essential,cmake,gfortran", 120, 300), Early: true),
        new(new("slurm", "install-package", "packages", "slurm-client,munge", 60, 180), Early: true),
        new(new("memlock", "set-property", "limits", "memlock=unlimited", 1, 5), Early: false),
        new(new("dataset", "run-script", "script", "rsync -a /srv/datasets/reference /data", 60, 600), Early: false),
    ];

    /// <summary>A user's own job script after the application: never shared with another request.</summary>
    public static readonly Step JobScript = new("job", "run-script", "script", "job", 10, 120);

    /// <summary>VM sizes (vCPUs, MiB, GiB), smallest first, with how often a stack uses each.</summary>
    public static readonly IReadOnlyList<(int Vcpus, long MemoryMiB, long DiskGiB, double Weight)> Sizes =
    [
        (1, 2048, 10, 0.30),
        (2, 4096, 20, 0.35),
        (4, 8192, 40, 0.20),
        (8, 16384, 80, 0.10),
        (16, 65536, 160, 0.05),
    ];

    public const int MaxOses = 8;
    public const int MaxFamilies = 7;
    public const int MaxSolvers = 12;
    public const int MaxExtras = 9;
}
