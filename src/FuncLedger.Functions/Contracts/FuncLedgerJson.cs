using System.Text.Json;
using System.Text.Json.Serialization;
using FuncLedger.Hosting;

namespace FuncLedger.Functions.Contracts;

/// <summary>
/// Every JSON shape of the app, source-generated. Strict on input: unknown fields, duplicate properties, numbers
/// in strings, comments and trailing commas are refused; property names are camelCase and case-sensitive.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    MaxDepth = 16)]
[JsonSerializable(typeof(WalletChangeRequest))]
[JsonSerializable(typeof(TransferRequest))]
[JsonSerializable(typeof(PayoutMessage))]
[JsonSerializable(typeof(WalletChangeResponse))]
[JsonSerializable(typeof(TransferResponse))]
[JsonSerializable(typeof(PostingRequest))]
[JsonSerializable(typeof(PostingResponse))]
[JsonSerializable(typeof(BalanceResponse))]
[JsonSerializable(typeof(HistoryResponse))]
[JsonSerializable(typeof(ReconcileResponse))]
[JsonSerializable(typeof(LivenessResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(HoldRequest))]
[JsonSerializable(typeof(CaptureRequest))]
[JsonSerializable(typeof(ReverseRequest))]
[JsonSerializable(typeof(OverdraftRequest))]
[JsonSerializable(typeof(PostingReverseRequest))]
[JsonSerializable(typeof(WalletStateRequest))]
[JsonSerializable(typeof(AdjustmentRequest))]
[JsonSerializable(typeof(AdjustmentResponse))]
[JsonSerializable(typeof(HoldResponse))]
[JsonSerializable(typeof(CaptureResponse))]
[JsonSerializable(typeof(VoidResponse))]
[JsonSerializable(typeof(ReversalResponse))]
[JsonSerializable(typeof(WalletAdminResponse))]
[JsonSerializable(typeof(PayoutRejectionsResponse))]
[JsonSerializable(typeof(HistoryLinkResponse))]
[JsonSerializable(typeof(HistoryLinksRevokedResponse))]
[JsonSerializable(typeof(HistoryPageResponse))]
[JsonSerializable(typeof(ReconciliationRunsResponse))]
[JsonSerializable(typeof(ShopItemRequest))]
[JsonSerializable(typeof(PurchaseRequest))]
[JsonSerializable(typeof(RefundRequest))]
[JsonSerializable(typeof(ShopItemResponse))]
[JsonSerializable(typeof(CampaignRequest))]
[JsonSerializable(typeof(CampaignResponse))]
[JsonSerializable(typeof(GenerateCodesRequest))]
[JsonSerializable(typeof(GeneratedCodesResponse))]
[JsonSerializable(typeof(RedeemRequest))]
[JsonSerializable(typeof(RevokeRequest))]
[JsonSerializable(typeof(RevocationResponse))]
[JsonSerializable(typeof(PromoBudgetResponse))]
[JsonSerializable(typeof(RedemptionResponse))]
[JsonSerializable(typeof(PromoCheckResponse))]
[JsonSerializable(typeof(ShopItemsResponse))]
[JsonSerializable(typeof(PurchaseResponse))]
[JsonSerializable(typeof(PurchasesResponse))]
[JsonSerializable(typeof(InventoryResponse))]
[JsonSerializable(typeof(ConsumeRequest))]
[JsonSerializable(typeof(ConsumptionResponse))]
[JsonSerializable(typeof(RefundResponse))]
[JsonSerializable(typeof(RevenueResponse))]
[JsonSerializable(typeof(CheckoutRequest))]
[JsonSerializable(typeof(CheckoutResponse))]
[JsonSerializable(typeof(Hosting.PoisonListing))]
[JsonSerializable(typeof(Hosting.RequeueResult))]
public sealed partial class FuncLedgerJson : JsonSerializerContext;

/// <summary>Tells a body that is not JSON at all from JSON of the wrong shape (checked only after binding failed).</summary>
public static class JsonText
{
    /// <summary>True when <paramref name="body"/> is exactly one well-formed JSON value, at most 16 levels deep.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            var any = false;
            while (reader.Read())
            {
                any = true;
            }

            return any;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
