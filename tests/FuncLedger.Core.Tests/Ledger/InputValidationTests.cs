using FuncLedger.Core.Domain;
using FuncLedger.Core.Operations;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Tests.Ledger;

/// <summary>Argument checks at the edge: every bad input is refused with a typed error naming the field (no database involved).</summary>
public sealed class InputValidationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void An_owner_id_must_be_positive(long ownerId)
    {
        var error = Assert.Throws<InvalidWalletException>(() => OwnerId.From(ownerId));
        Assert.Equal((InvalidWalletReason.InvalidOwner, LedgerErrorCodes.Validation), (error.Reason, error.Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(LedgerLimits.AmountMax + 1)]
    [InlineData(long.MaxValue)]
    public void An_amount_outside_one_to_the_maximum_is_invalid(long amount) =>
        Assert.Equal(LedgerErrorCodes.InvalidAmount, Assert.Throws<InvalidAmountException>(() => Coins.From(amount)).Code);

    [Fact]
    public void The_largest_amount_is_accepted() => Assert.Equal(LedgerLimits.AmountMax, Coins.From(LedgerLimits.AmountMax).Value);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bell\u0007")]
    [InlineData("delete\u007f")]
    [InlineData("line\nbreak")]
    public void A_reason_must_be_present_and_free_of_control_characters(string? reason) =>
        Assert.Equal("reason", Assert.Single(Assert.Throws<LedgerValidationException>(() => LedgerInput.Reason(reason)).Errors).Field);

    [Fact]
    public void An_over_long_reason_is_refused() =>
        Assert.Throws<LedgerValidationException>(() => LedgerInput.Reason(new string('r', LedgerLimits.ReasonLengthMax + 1)));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\tkey")]
    [InlineData("nul\0key")]
    [InlineData("ünicode")]
    public void An_idempotency_key_holds_visible_ascii_only(string key) =>
        Assert.Equal("idempotencyKey", Assert.Single(Assert.Throws<LedgerValidationException>(() => IdempotencyKey.From(key)).Errors).Field);

    [Theory]
    [InlineData("gift-1_debit", "_debit")]
    [InlineData("gift-1_credit", "_credit")]
    [InlineData("pool-1_leg_3", "_leg_")]
    [InlineData("hold_7_capture", "_capture")]
    [InlineData("participation_award_reg_9", "participation_award_reg_")]
    [InlineData("placement_award_reg_9_place_1", "placement_award_reg_")]
    public void A_key_of_a_reserved_form_is_refused_with_a_message_that_names_that_form(string key, string form)
    {
        var refused = Assert.Throws<LedgerValidationException>(() => IdempotencyKey.From(key));

        Assert.Contains(form, Assert.Single(refused.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Idempotency_keys_are_bounded_and_optional()
    {
        Assert.Throws<LedgerValidationException>(() => IdempotencyKey.From(new string('k', LedgerLimits.IdempotencyKeyLengthMax + 1)));
        Assert.Equal(new string('k', LedgerLimits.IdempotencyKeyLengthMax), IdempotencyKey.Parse(new string('k', LedgerLimits.IdempotencyKeyLengthMax))!.Value);
        Assert.Null(IdempotencyKey.Parse(null));
        Assert.True(IdempotencyKeys.TransferCredit(new string('k', LedgerLimits.IdempotencyKeyLengthMax)).Length <= LedgerLimits.IdempotencyKeyColumnLengthMax);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("{\"a\":")]
    public void Meta_must_be_a_json_object(string meta) =>
        Assert.Equal("meta", Assert.Single(Assert.Throws<LedgerValidationException>(() => LedgerInput.Meta(meta)).Errors).Field);

    [Fact]
    public void Meta_is_minified_and_bounded_in_bytes()
    {
        Assert.Equal("{\"a\":1,\"b\":[true]}", LedgerInput.Meta("{ \"a\" : 1,\n \"b\": [ true ] }"));
        Assert.Null(LedgerInput.Meta(null));
        Assert.Throws<LedgerValidationException>(() => LedgerInput.Meta("{\"x\":\"" + new string('m', LedgerLimits.MetaBytesMax) + "\"}"));
        Assert.Throws<LedgerValidationException>(() => LedgerInput.Meta("{\"x\":\"" + new string(' ', LedgerLimits.MetaBytesMax * 4) + "\"}"));
    }

    [Theory]
    [InlineData(0, 0, "limit")]
    [InlineData(LedgerLimits.HistoryLimitMax + 1, 0, "limit")]
    [InlineData(10, -1, "offset")]
    [InlineData(10, LedgerLimits.HistoryOffsetMax + 1, "offset")]
    public void History_paging_is_bounded(int limit, int offset, string field) =>
        Assert.Equal(field, Assert.Single(Assert.Throws<LedgerValidationException>(() => LedgerInput.Page(limit, offset)).Errors).Field);

    [Fact]
    public void Both_paging_errors_are_listed_together() =>
        Assert.Equal(2, Assert.Throws<LedgerValidationException>(() => LedgerInput.Page(-1, -1)).Errors.Count);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3, 1)]
    [InlineData(5, 0)]
    [InlineData(5, LedgerLimits.PlaceMax + 1)]
    public void Payout_keys_need_a_positive_registration_and_a_place_in_range(long registrationId, int place) =>
        Assert.Throws<LedgerValidationException>(() => IdempotencyKeys.Placement(registrationId, place));

    [Fact]
    public void A_participation_key_needs_a_positive_registration() =>
        Assert.Throws<LedgerValidationException>(() => IdempotencyKeys.Participation(0));

    [Fact]
    public void Fingerprints_differ_for_every_field_and_agree_for_equal_requests()
    {
        var baseline = RequestFingerprint.Compute(LedgerOperation.Transfer, 1, 2, 10, "r", null);
        Assert.Equal(baseline, RequestFingerprint.Compute(LedgerOperation.Transfer, 1, 2, 10, "r", null));
        Assert.Equal(LedgerLimits.FingerprintLength, baseline.Length);
        string[] variants =
        [
            RequestFingerprint.Compute(LedgerOperation.Credit, 1, 2, 10, "r", null),
            RequestFingerprint.Compute(LedgerOperation.Transfer, 3, 2, 10, "r", null),
            RequestFingerprint.Compute(LedgerOperation.Transfer, 1, 3, 10, "r", null),
            RequestFingerprint.Compute(LedgerOperation.Transfer, 1, 2, 11, "r", null),
            RequestFingerprint.Compute(LedgerOperation.Transfer, 1, 2, 10, "s", null),
            RequestFingerprint.Compute(LedgerOperation.Transfer, 1, 2, 10, "r", "{}"),
            RequestFingerprint.Compute(LedgerOperation.Transfer, 1, 2, 10, "r", ""),
        ];
        Assert.Equal(variants.Length, variants.Append(baseline).Distinct().Count() - 1);
    }

    [Theory]
    [InlineData("gift-1_debit")]
    [InlineData("gift-1_credit")]
    [InlineData("participation_award_reg_5")]
    [InlineData("placement_award_reg_900_place_1")]
    public void A_client_key_of_a_form_the_ledger_derives_is_refused(string key)
    {
        Assert.True(IdempotencyKeys.IsReserved(key));
        Assert.Equal("idempotencyKey", Assert.Single(Assert.Throws<LedgerValidationException>(() => IdempotencyKey.From(key)).Errors).Field);
    }

    [Theory]
    [InlineData("gift-1")]
    [InlineData("debit")]
    [InlineData("my_debit_note")]
    [InlineData("award_reg_5")]
    public void Keys_that_merely_contain_a_reserved_word_are_accepted(string key) =>
        Assert.Equal(key, IdempotencyKey.From(key).Value);

    [Fact]
    public void Meta_with_a_lone_surrogate_is_refused() =>
        Assert.Equal("meta", Assert.Single(Assert.Throws<LedgerValidationException>(() => LedgerInput.Meta("{\"note\":\"\\ud800\"}")).Errors).Field);

    [Fact]
    public void Typed_values_compare_by_value_and_print_as_their_value()
    {
        Assert.Equal(OwnerId.From(42), OwnerId.From(42));
        Assert.NotEqual(OwnerId.From(42), OwnerId.From(43));
        Assert.Equal("42", OwnerId.From(42).ToString());
        Assert.Equal(Coins.From(30), Coins.From(30));
        Assert.Equal("30", Coins.From(30).ToString());
        Assert.Equal(IdempotencyKey.From("gift-1"), IdempotencyKey.Parse("gift-1"));
        Assert.Equal("gift-1", IdempotencyKey.From("gift-1").ToString());
        Assert.Equal("toOwnerId must be a positive integer.", Assert.Throws<InvalidWalletException>(() => OwnerId.From(0, "toOwnerId")).Message);
    }

    [Fact]
    public void A_failed_invariant_is_an_error_never_silence()
    {
        var error = Assert.Throws<LedgerInvariantException>(() => Sql.Invariant(false, "wallet 7 changed under its lock"));
        Assert.Contains("wallet 7", error.Message, StringComparison.Ordinal);
        Sql.Invariant(true, "holds");
    }

    [Fact]
    public void Errors_carry_their_stable_codes()
    {
        Assert.Equal(LedgerErrorCodes.SelfTransfer, new InvalidWalletException(InvalidWalletReason.SelfTransfer, "x").Code);
        Assert.Equal(LedgerErrorCodes.WalletNotFound, new InvalidWalletException(InvalidWalletReason.NotFound, "x").Code);
        Assert.Equal(LedgerErrorCodes.IdempotencyConflict, new IdempotencyConflictException("k").Code);
        Assert.Equal("meta: too big", new LedgerValidationException("meta", "too big").Message);
    }
}
