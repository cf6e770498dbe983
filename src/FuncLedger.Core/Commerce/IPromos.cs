using FuncLedger.Core.Diagnostics;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>
/// Promo codes on the ledger: operators' campaigns (a reward, a window, a switch, a total and a per-player cap, a shared vanity
/// code and bulk single-use codes) and players' redemptions that cannot be farmed. Refusals are typed <see cref="LedgerException"/>s
/// with the codes of <see cref="PromoErrorCodes"/>.
/// </summary>
public interface IPromos
{
    Task<PromoCampaign> CreateCampaignAsync(CampaignTerms terms, CancellationToken cancellationToken = default);

    Task<PromoCampaign> GetCampaignAsync(long campaignId, CancellationToken cancellationToken = default);

    Task<PromoCampaign> SetCampaignActiveAsync(long campaignId, bool active, CancellationToken cancellationToken = default);

    /// <summary>Generates single-use codes, answered once; the database keeps only their hashes.</summary>
    Task<GeneratedCodes> GenerateCodesAsync(long campaignId, int count, CancellationToken cancellationToken = default);

    /// <summary>Redeems a code: the credit, the redemption and the items, all or none; a retry under the key answers the first.</summary>
    Task<RedemptionResult> RedeemAsync(RedeemCommand command, CancellationToken cancellationToken = default);

    /// <summary>What a redeem would answer now, writing nothing but a failed attempt.</summary>
    Task<PromoCheck> CheckAsync(OwnerId owner, string code, CancellationToken cancellationToken = default);

    /// <summary>Revokes a redemption (operators): its coins taken back by the reversal rules, the items still held taken back, its
    /// slot given back only when asked; a retry under the key answers the first.</summary>
    Task<RevocationResult> RevokeAsync(RevokeCommand command, CancellationToken cancellationToken = default);

    /// <summary>Every campaign's budget line reconciled: the coins its redemptions record against its entries.</summary>
    Task<PromoBudget> GetBudgetAsync(CancellationToken cancellationToken = default);
}

/// <summary>Promo codes as the hosts see them: every write measured (<c>funcledger.operations</c> by outcome).</summary>
internal sealed class Promos(PromoCampaigns campaigns, PromoRedemptions redemptions, PromoRevocations revocations) : IPromos
{
    public Task<PromoCampaign> CreateCampaignAsync(CampaignTerms terms, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("promo_campaign_create", () => campaigns.CreateAsync(terms, cancellationToken), _ => false);

    public Task<PromoCampaign> GetCampaignAsync(long campaignId, CancellationToken cancellationToken = default) =>
        campaigns.GetAsync(campaignId, cancellationToken);

    public Task<PromoCampaign> SetCampaignActiveAsync(long campaignId, bool active, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync(active ? "promo_campaign_activate" : "promo_campaign_deactivate",
            () => campaigns.SetActiveAsync(campaignId, active, cancellationToken), _ => false);

    public Task<GeneratedCodes> GenerateCodesAsync(long campaignId, int count, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("promo_codes_generate", () => campaigns.GenerateAsync(campaignId, count, cancellationToken),
            _ => false);

    public Task<RedemptionResult> RedeemAsync(RedeemCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("promo_redeem", () => redemptions.RedeemAsync(command, cancellationToken), r => r.Replayed);

    public Task<PromoCheck> CheckAsync(OwnerId owner, string code, CancellationToken cancellationToken = default) =>
        redemptions.CheckAsync(owner, code, cancellationToken);

    public Task<RevocationResult> RevokeAsync(RevokeCommand command, CancellationToken cancellationToken = default) =>
        LedgerTelemetry.MeasureAsync("promo_revoke", () => revocations.RevokeAsync(command, cancellationToken), r => r.Replayed);

    public Task<PromoBudget> GetBudgetAsync(CancellationToken cancellationToken = default) => campaigns.GetBudgetAsync(cancellationToken);
}
