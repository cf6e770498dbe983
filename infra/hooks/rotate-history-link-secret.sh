#!/bin/sh
# Rotates the history links' secret without breaking a link: the current secret becomes the previous one (still accepted
# until the links signed with it expire, 7 days at most), a new random one becomes current, and the function app restarts
# so its Key Vault references read both at once. Run it with azd's environment (azd env get-values), as a principal with
# Key Vault Secrets Officer on the vault (the one who provisioned has it). Rotate again only after 7 days, or links signed
# with the secret before the previous one stop working.
set -eu
: "${KEY_VAULT_NAME:?run with azd env get-values}"; : "${AZURE_RESOURCE_GROUP:?}"; : "${FUNCTION_APP_NAME:?}"
current=$(az keyvault secret show --vault-name "$KEY_VAULT_NAME" -n history-link-secret --query value -o tsv)
az keyvault secret set --vault-name "$KEY_VAULT_NAME" -n history-link-secret-previous --value "$current" -o none
az keyvault secret set --vault-name "$KEY_VAULT_NAME" -n history-link-secret --value "$(openssl rand -base64 48)" -o none
az functionapp restart -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME"
echo "rotated: the previous secret is accepted until its links expire"
