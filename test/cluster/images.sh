# shellcheck shell=bash
# Builds the local images as OCI archives (no registry, no daemon) and
# imports them into containerd's k8s.io namespace. Sourced by up.sh after
# lib.sh and build_all (needs $BIN).

# Host binaries copied into the probe (and kube-proxy) image, with their
# shared libraries (ldd). Missing optional ones are skipped.
PROBE_BINS=(
  /bin/bash /bin/dash /usr/bin/busybox
  /usr/bin/dig /usr/bin/nslookup /usr/bin/host
  /bin/nc.openbsd /bin/ping /usr/bin/tracepath /usr/bin/traceroute.db
  /sbin/ip /bin/ss /usr/bin/curl
  /usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi /usr/sbin/conntrack /usr/sbin/nft
  /bin/cat /bin/ls /bin/sleep /bin/echo /usr/bin/env /bin/grep /bin/sed /usr/bin/mawk
  /usr/bin/head /usr/bin/tail /usr/bin/wc /usr/bin/timeout /bin/date /bin/hostname
  /usr/bin/id /bin/ps /bin/mkdir /bin/rm /bin/cp /bin/mv /bin/true /bin/false
  /usr/bin/tee /usr/bin/sort /usr/bin/uniq /usr/bin/cut /usr/bin/tr /bin/kill
  /bin/uname /usr/bin/getent /usr/bin/stat /bin/ln /bin/chmod /usr/bin/seq
)
PROBE_PKGS=(bash dash busybox bind9-dnsutils netcat-openbsd iputils-ping iputils-tracepath
  traceroute iproute2 curl iptables nftables conntrack coreutils grep sed mawk procps ca-certificates)

copy_with_libs() { # root file...
  local root=$1; shift
  local f lib
  for f in "$@"; do
    [[ -e $f ]] || continue
    mkdir -p "$root$(dirname "$f")"
    cp -aL "$f" "$root$f"
    while read -r lib; do
      [[ -e $root$lib ]] && continue
      mkdir -p "$root$(dirname "$lib")"
      cp -aL "$lib" "$root$lib"
    done < <(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' | sort -u)
  done
}

make_probe_rootfs() { # dir
  local r=$1
  rm -rf "$r"; mkdir -p "$r"/{etc,tmp,root,proc,sys,dev,run,var/run,usr/local/bin}
  chmod 1777 "$r/tmp"
  # merged-/usr layout like Debian bookworm
  mkdir -p "$r/usr/bin" "$r/usr/sbin" "$r/usr/lib" "$r/usr/lib64"
  ln -s usr/bin "$r/bin"; ln -s usr/sbin "$r/sbin"; ln -s usr/lib "$r/lib"; ln -s usr/lib64 "$r/lib64"
  local b
  local bins=()
  for b in "${PROBE_BINS[@]}"; do bins+=("$(realpath -m "/usr${b#/usr}")"); done
  copy_with_libs "$r" "${bins[@]}"
  # iptables extensions are dlopen()ed
  if [[ -d /usr/lib/x86_64-linux-gnu/xtables ]]; then
    mkdir -p "$r/usr/lib/x86_64-linux-gnu"
    cp -a /usr/lib/x86_64-linux-gnu/xtables "$r/usr/lib/x86_64-linux-gnu/"
    copy_with_libs "$r" /usr/lib/x86_64-linux-gnu/xtables/*.so
  fi
  copy_with_libs "$r" /lib64/ld-linux-x86-64.so.2
  local u=$r/usr/bin s=$r/usr/sbin
  ln -sf dash "$u/sh"
  ln -sf nc.openbsd "$u/nc"; ln -sf nc.openbsd "$u/netcat"
  ln -sf traceroute.db "$u/traceroute"
  ln -sf mawk "$u/awk"
  ln -sf ../bin/ip "$s/ip" 2>/dev/null || true
  for b in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore \
           iptables-nft iptables-nft-save iptables-nft-restore ip6tables-nft ip6tables-nft-save ip6tables-nft-restore; do
    ln -sf xtables-nft-multi "$s/$b"
  done
  for b in iptables-legacy iptables-legacy-save iptables-legacy-restore ip6tables-legacy ip6tables-legacy-save ip6tables-legacy-restore; do
    [[ -e $s/xtables-legacy-multi ]] && ln -sf xtables-legacy-multi "$s/$b"
  done
  # busybox for everything else (wget, nslookup stays bind's, vi, ...)
  local a
  for a in $(busybox --list); do
    [[ -e $u/$a || -e $s/$a ]] || ln -s busybox "$u/$a"
  done
  # /etc
  printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\nservices: files\nprotocols: files\n' >"$r/etc/nsswitch.conf"
  cp /etc/services /etc/protocols "$r/etc/" 2>/dev/null || true
  mkdir -p "$r/etc/ssl/certs"
  cp -L /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/" 2>/dev/null || true
  mkdir -p "$r/usr/share/bash-completion"
  echo 'PS1="\h:\w# "' >"$r/root/.bashrc"
}

images_key() {
  { echo "$BIN"; [[ -z ${FLANNEL_BIN:-} ]] || echo "$FLANNEL_BIN"; dpkg-query -W "${PROBE_PKGS[@]}" 2>/dev/null; sha256sum "$CLUSTER_SRC/images.sh"; } | sha256sum | cut -c1-16
}

build_images() {
  local key dir
  key="$(images_key)"
  dir="$CACHE/images/$key"
  if [[ -f $dir/done ]]; then
    log "images: cached ($dir)"
  else
    rm -rf "$dir"; mkdir -p "$dir"
    local t="$dir/rootfs"
    local oci="$BIN/ociimage"
    # pause
    mkdir -p "$t/pause"; cp "$BIN/pause" "$t/pause/pause"
    "$oci" --rootfs "$t/pause" --out "$dir/pause.tar" --name "$PAUSE_IMAGE" --entrypoint '["/pause"]' >/dev/null
    # web
    mkdir -p "$t/web"; cp "$BIN/web" "$t/web/web"
    "$oci" --rootfs "$t/web" --out "$dir/web.tar" --name "$WEB_IMAGE" --entrypoint '["/web"]' --env PORT=8080 >/dev/null
    # coredns
    mkdir -p "$t/coredns/etc"; cp "$BIN/coredns" "$t/coredns/coredns"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$t/coredns/etc/passwd"
    "$oci" --rootfs "$t/coredns" --out "$dir/coredns.tar" --name "$COREDNS_IMAGE" --entrypoint '["/coredns"]' >/dev/null
    # probe (+ netshoot alias)
    make_probe_rootfs "$t/probe"
    "$oci" --rootfs "$t/probe" --out "$dir/probe.tar" --name "$PROBE_IMAGE" --name "$PROBE_ALIAS" --cmd '["bash"]' >/dev/null
    # kube (also kube-network-policies): probe tools (iptables, conntrack,
    # sh) + the multicall binary + netpol
    cp "$BIN/kube" "$t/probe/usr/local/bin/kube"
    cp "$BIN/netpol" "$t/probe/usr/local/bin/netpol"
    for b in kube-proxy kubelet kube-apiserver kube-controller-manager kube-scheduler etcd; do
      ln -sf kube "$t/probe/usr/local/bin/$b"
    done
    "$oci" --rootfs "$t/probe" --out "$dir/kube.tar" --name "$KUBE_IMAGE" --name "$NETPOL_IMAGE" --entrypoint '["/usr/local/bin/kube"]' >/dev/null
    # flannel mode only: probe tools (iptables, sh for the CNI config writer) + flanneld
    if [[ -n ${FLANNEL_BIN:-} ]]; then
      cp "$FLANNEL_BIN" "$t/probe/usr/local/bin/flanneld"
      "$oci" --rootfs "$t/probe" --out "$dir/flannel.tar" --name "$FLANNEL_IMAGE" --entrypoint '["/usr/local/bin/flanneld"]' >/dev/null
    fi
    rm -rf "$t"
    touch "$dir/done"
  fi
  find "$CACHE/images" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +
  IMAGES_DIR=$dir
}

# the archive names (without .tar) of this mode's images
image_archives() {
  printf '%s\n' pause web coredns probe kube
  [[ -z ${FLANNEL_BIN:-} ]] || echo flannel
}

import_images() {
  local f have
  have=$(ctr -a "$CONTAINERD_SOCK" -n k8s.io images ls -q 2>/dev/null || true)
  if grep -qxF "$PAUSE_IMAGE" <<<"$have" && grep -qxF "$PROBE_ALIAS" <<<"$have" && grep -qxF "$KUBE_IMAGE" <<<"$have" \
     && grep -qxF "$WEB_IMAGE" <<<"$have" && grep -qxF "$COREDNS_IMAGE" <<<"$have" && grep -qxF "$NETPOL_IMAGE" <<<"$have" \
     && { [[ -z ${FLANNEL_BIN:-} ]] || grep -qxF "$FLANNEL_IMAGE" <<<"$have"; } && [[ -f $RUN/images.key && $(cat "$RUN/images.key") == "$IMAGES_DIR" ]]; then
    log "images: already imported"
    return
  fi
  for f in $(image_archives); do
    ctr -a "$CONTAINERD_SOCK" -n k8s.io images import "$IMAGES_DIR/$f.tar" >>"$LOGS/images.log" 2>&1 \
      || { tail_log images; die "importing image $f failed"; }
  done
  echo "$IMAGES_DIR" >"$RUN/images.key"
}
