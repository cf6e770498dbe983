using System.Security.Cryptography;
using System.Text;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Functions.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Functions.Http;

/// <summary>Wallet administration (master key): freeze, unfreeze, overdraft, adjustments. Every change is recorded with the key's
/// id and the operator's reason.</summary>
public sealed class WalletAdminFunctions(IWalletAdministration admin, ILedger ledger, LedgerHttp http)
{
    [Function(nameof(FreezeWallet))]
    public Task<IActionResult> FreezeWallet(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/wallets/{ownerId}/freeze")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var reason = await ReasonAsync(request, cancellationToken);
            return Answer(await admin.SetFrozenAsync(owner, true, ActorOf(request), reason, cancellationToken));
        }, cancellationToken);

    [Function(nameof(UnfreezeWallet))]
    public Task<IActionResult> UnfreezeWallet(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/wallets/{ownerId}/unfreeze")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var reason = await ReasonAsync(request, cancellationToken);
            return Answer(await admin.SetFrozenAsync(owner, false, ActorOf(request), reason, cancellationToken));
        }, cancellationToken);

    [Function(nameof(SetOverdraft))]
    public Task<IActionResult> SetOverdraft(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "ops/wallets/{ownerId}/overdraft")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.OverdraftRequest, cancellationToken);
            HttpInput.Require(("allowOverdraft", body.AllowOverdraft is not null));
            return Answer(await admin.SetOverdraftAsync(owner, body.AllowOverdraft!.Value, ActorOf(request), body.Reason,
                cancellationToken));
        }, cancellationToken);

    [Function(nameof(AdjustWallet))]
    public Task<IActionResult> AdjustWallet(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/wallets/{ownerId}/adjustments")] HttpRequest request,
        string ownerId,
        CancellationToken cancellationToken) =>
        http.HandleAsync(request, async () =>
        {
            var owner = HttpInput.Owner(ownerId);
            var body = await HttpInput.ReadJsonAsync(request, FuncLedgerJson.Default.AdjustmentRequest, cancellationToken);
            HttpInput.Require(("amount", body.Amount is not null), ("reason", body.Reason is not null));
            var key = HttpInput.IdempotencyKey(request, body.IdempotencyKey);
            using var claim = http.ClaimKey(key);
            var command = new AdjustmentCommand(owner, body.Amount!.Value, body.Reason!, ActorOf(request), IdempotencyKey.Parse(key));
            var result = await ledger.AdjustAsync(command, cancellationToken);
            return HttpInput.Ok(AdjustmentResponse.From(result), FuncLedgerJson.Default.AdjustmentResponse, result.Replayed);
        }, cancellationToken);

    /// <summary>The operator's reason from the optional body of a freeze or unfreeze.</summary>
    private static async Task<string?> ReasonAsync(HttpRequest request, CancellationToken cancellationToken) =>
        (await HttpInput.ReadOptionalJsonAsync(request, FuncLedgerJson.Default.WalletStateRequest, new WalletStateRequest(null),
            cancellationToken)).Reason;

    private static IActionResult Answer(WalletAdminResult result) =>
        HttpInput.Ok(WalletAdminResponse.From(result), FuncLedgerJson.Default.WalletAdminResponse);

    /// <summary>Who made a change: the calling key's id (<c>key:</c> and the first 12 hex digits of its SHA-256), never the key.
    /// </summary>
    public static string ActorOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        return string.IsNullOrEmpty(key)
            ? "key:unknown"
            : "key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
    }
}
