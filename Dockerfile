# VMPlant node image: the same image runs every node; roles, seeds and stores come from VMPLANT_* variables.
# With a registry, `docker build .` (or `docker compose build`) publishes the app in Microsoft's SDK image (stage
# `build`) and runs it on Microsoft's ASP.NET Core image (stage `node`, the default target; the node serves HTTP
# health endpoints). Without one, deploy/docker/offline-images.sh imports a Debian root with libvirt0 and .NET as RUNTIME_IMAGE and builds the
# `prebuilt` target, whose build context is the app it published on the host.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${RUNTIME_IMAGE} AS runtime
# libvirt0: the client library (test driver in-process; qemu:///system through the host's libvirt socket).
RUN ldconfig -p | grep -q 'libvirt\.so\.0' || { apt-get update \
    && apt-get install -y --no-install-recommends libvirt0 && rm -rf /var/lib/apt/lists/*; }
WORKDIR /app
ENV VMPLANT_DATA_DIR=/data
# As the vmplant launcher does: two malloc arenas, so memory freed on libvirt's and SQLite's many threads is reused
# instead of held in per-thread arenas (README, "Latest results": RSS after 100k create+destroy cycles).
ENV MALLOC_ARENA_MAX=2
VOLUME /data
EXPOSE 4053 8558
# Healthy = ready: joined the cluster, plants connected to their hypervisors, the shop answering (GET /health/ready).
HEALTHCHECK --interval=3s --timeout=3s --start-period=120s --retries=3 CMD bash -c 'exec 3<>/dev/tcp/${VMPLANT_HOSTNAME:-127.0.0.1}/${VMPLANT_HTTP_PORT:-8558} \
  && printf "GET /health/ready HTTP/1.0\r\nHost: probe\r\n\r\n" >&3 && read -r _ status _ <&3 && [ "$status" = 200 ]'
ENTRYPOINT ["dotnet", "/app/vmplant.dll"]
CMD ["serve"]

# Offline: the build context is the published app. This stage comes before `build` because the classic builder
# builds every stage up to its target, and the SDK image cannot be had offline.
FROM runtime AS prebuilt
COPY . /app/

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN dotnet publish VMPlant.Host/VMPlant.Host.csproj -c Release -r linux-x64 --self-contained false -o /app

FROM runtime AS node
COPY --from=build /app /app
