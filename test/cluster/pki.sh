# shellcheck shell=bash
# Certificates and kubeconfigs (openssl). Sourced by up.sh after lib.sh.

_sign() { # name subject sans(ext string or "") [ca]
  local name=$1 subj=$2 sans=$3
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n $sans ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

_kubeconfig() { # file user cert
  local file=$1 user=$2 cert=$3
  cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: netdiag
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$cert.crt")
    client-key-data: $(base64 -w0 "$PKI/$cert.key")
contexts:
- name: $user@netdiag
  context:
    cluster: netdiag
    user: $user
current-context: $user@netdiag
KC
  chmod 600 "$file"
}

make_pki() {
  mkdir -p "$PKI"
  if [[ -f $PKI/done ]]; then return; fi
  openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=netdiag-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/ca.crt" 2>/dev/null
  _sign apiserver "/CN=kube-apiserver" \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,IP:127.0.0.1,IP:$KUBE_SVC_IP,IP:$NODE_IP"
  _sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" ""
  _sign admin "/O=system:masters/CN=kubernetes-admin" ""
  _sign controller-manager "/CN=system:kube-controller-manager" ""
  _sign scheduler "/CN=system:kube-scheduler" ""
  _sign kubelet-$NODE_NAME "/O=system:nodes/CN=system:node:$NODE_NAME" ""
  # front proxy (aggregation layer), as kubeadm sets it up
  openssl genrsa -out "$PKI/front-proxy-ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$PKI/front-proxy-ca.key" -subj "/CN=front-proxy-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/front-proxy-ca.crt" 2>/dev/null
  openssl genrsa -out "$PKI/front-proxy-client.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/front-proxy-client.key" -subj "/CN=front-proxy-client" -out "$PKI/front-proxy-client.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$PKI/fp.ext"
  openssl x509 -req -in "$PKI/front-proxy-client.csr" -CA "$PKI/front-proxy-ca.crt" -CAkey "$PKI/front-proxy-ca.key" \
    -CAcreateserial -days 365 -sha256 -extfile "$PKI/fp.ext" -out "$PKI/front-proxy-client.crt" 2>/dev/null
  rm -f "$PKI/front-proxy-client.csr" "$PKI/fp.ext"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  _kubeconfig "$KUBECONFIG_ADMIN" kubernetes-admin admin
  _kubeconfig "$RUN/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  _kubeconfig "$RUN/scheduler.kubeconfig" system:kube-scheduler scheduler
  _kubeconfig "$RUN/kubelet-$NODE_NAME.kubeconfig" "system:node:$NODE_NAME" "kubelet-$NODE_NAME"
  touch "$PKI/done"
}
