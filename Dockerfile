# VMPlant node image: the same image runs every node; roles, seeds and stores come from VMPLANT_* variables.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish VMPlant.Host/VMPlant.Host.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
# libvirt0: the client library (test driver in-process; qemu:///system through the host's libvirt socket).
RUN apt-get update && apt-get install -y --no-install-recommends libvirt0 procps \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV VMPLANT_DATA_DIR=/data
VOLUME /data
EXPOSE 4053
# Healthy once the node listens on its remoting port.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=5 \
  CMD bash -c "exec 3<>/dev/tcp/\${VMPLANT_HOSTNAME:-127.0.0.1}/\${VMPLANT_PORT:-4053}" || exit 1
ENTRYPOINT ["dotnet", "/app/vmplant.dll"]
CMD ["serve"]
