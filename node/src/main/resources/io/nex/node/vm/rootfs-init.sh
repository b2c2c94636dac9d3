#!/bin/sh
# /sbin/nex-init: PID 1 of a nex guest. Reads the agent's metadata (a NEXMETA1 drive, else
# NEX_* words on the kernel command line, which the kernel hands to init as environment), brings
# up the network, forwards the loopback ports workloads expect, and runs the agent with its
# stdin held open. When the agent exits, the VM powers off.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts

for disk in /dev/vd?; do
  if [ "$(head -c 8 "$disk")" = "NEXMETA1" ]; then
    head -c 16384 "$disk" | tr -d '\000' | grep '^NEX_[A-Z_]*=' > /run/nex.env
    while IFS= read -r line; do export "$line"; done < /run/nex.env
    rm /run/nex.env
  fi
done

ip link set lo up
ip link set eth0 up
ip addr add "${NEX_GUEST_IP:-10.0.2.15/24}" dev eth0
ip route add default via "${NEX_GUEST_GATEWAY:-10.0.2.2}"

# workloads are told the control plane is at 127.0.0.1:<port>, as on the host
for port in $NEX_LOOPBACK_PORTS; do
  nc -ll -p "$port" -e nc "$NEX_LOOPBACK_TARGET" "$port" &
done

mkdir -p /var/lib/nex
touch /var/lib/nex/.writable 2>/dev/null || mount -t tmpfs tmpfs /var/lib/nex
cd /var/lib/nex
mkfifo /run/nex-hold
exec 3<>/run/nex-hold
echo "nex-init: starting agent vmid=$NEX_WORKLOADID"
env -i PATH=/opt/nex/jre/bin:/bin HOME=/var/lib/nex NEX_SANDBOX=true \
  NEX_WORKLOADID="$NEX_WORKLOADID" NEX_NODE_NATS_HOST="$NEX_NODE_NATS_HOST" \
  NEX_NODE_NATS_PORT="$NEX_NODE_NATS_PORT" NEX_NODE_NATS_NKEY_SEED="$NEX_NODE_NATS_NKEY_SEED" \
  NEX_V8_LIBRARY_DIR=@V8_LIBRARY_DIR@ \
  /opt/nex/jre/bin/java @JVM_OPTIONS@ -cp @CLASS_PATH@ @AGENT_MAIN@ <&3
echo "nex-init: agent exited code=$?"
sync
reboot -f
