# Sourced by the hooks: open_firewall RULE allows the caller's public IP through the database server's firewall until the
# hook exits (networkMode public). In networkMode private the server has no public endpoint and nothing is opened: run azd
# from a machine in the virtual network.
open_firewall() {
  [ "${NETWORK_MODE:-public}" = public ] || return 0
  fw_rule=$1
  fw_server=${DATABASE_HOST%%.*}
  fw_ip=$(curl -fsS https://api.ipify.org)
  case "$DATABASE_ENGINE" in
  sqlserver)
    az sql server firewall-rule create -g "$AZURE_RESOURCE_GROUP" -s "$fw_server" -n "$fw_rule" \
      --start-ip-address "$fw_ip" --end-ip-address "$fw_ip" >/dev/null
    trap 'az sql server firewall-rule delete -g "$AZURE_RESOURCE_GROUP" -s "$fw_server" -n "$fw_rule" >/dev/null' EXIT ;;
  postgres)
    az postgres flexible-server firewall-rule create -g "$AZURE_RESOURCE_GROUP" -n "$fw_server" -r "$fw_rule" \
      --start-ip-address "$fw_ip" --end-ip-address "$fw_ip" >/dev/null
    trap 'az postgres flexible-server firewall-rule delete -g "$AZURE_RESOURCE_GROUP" -n "$fw_server" -r "$fw_rule" --yes >/dev/null' EXIT ;;
  esac
}
