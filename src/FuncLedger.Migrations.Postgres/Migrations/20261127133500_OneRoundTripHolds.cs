using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Holds, captures and voids in one round trip: ledger_hold places a hold (key, lock, frozen and available checks with the exact
    /// held sum, a kept refusal, the hold and its wallet's held coins, the hold as it stands) as one statement; ledger_post
    /// takes the hold a capture releases (p_hold, p_captured): under the wallet's lock the hold must still be pending and not
    /// expired, its coins leave the held coins before the debit is checked, and it is marked captured and linked to the debit
    /// entry in the same statement; ledger_capture reads a hold and, when the capture's checks pass on it, runs ledger_post
    /// with the capture's postings (one round trip for the whole capture); ledger_void locks the hold's wallet, checks the hold is pending and not expired, voids it
    /// and answers with it as it stands. FuncLedger.Core's PostgresHoldCommand and PostgresPostCommand call them.
    /// </summary>
    public partial class OneRoundTripHolds : Migration
    {
        private const string OldPost =
            "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz);";

        private const string NewPost =
            "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz, "
            + "bigint, bigint);";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(OldPost);
            migrationBuilder.Sql(@"CREATE FUNCTION ledger_post(
    p_owner bigint[], p_delta bigint[], p_reason text[], p_key text[], p_fingerprint text[], p_meta text[],
    p_create boolean[], p_compensating boolean[], p_keep boolean[], p_now timestamptz,
    p_hold bigint, p_captured bigint)
RETURNS TABLE (o_kind ""char"", o_n integer, o_id bigint, o_wallet bigint, o_amount bigint, o_balance bigint,
    o_key text, o_fingerprint text)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 AS $fn$
DECLARE
    v_count integer := cardinality(p_owner);
    v_keyed boolean := cardinality(array_remove(p_key, NULL)) > 0;
    v_ids bigint[] := '{}';
    v_owners bigint[] := '{}';
    v_bal bigint[] := '{}';
    v_over boolean[] := '{}';
    v_frozen boolean[] := '{}';
    v_held bigint[] := '{}';
    v_stamp timestamptz := p_now;
    v_missing bigint[] := '{}';
    v_slot integer[] := '{}';
    v_after bigint[] := '{}';
    v_next bigint;
    v_created integer;
    v_wallet bigint[] := '{}';
    v_entries bigint[];
    v_hold record;
    i integer;
    j integer;
    k integer;
    w record;
BEGIN
    FOR v_pass IN 1..2 LOOP
        -- Pass 1: a replay or a conflict is answered from the keys alone, with no lock and no write. Pass 2, under the
        -- locks: a concurrent first request under a key may have committed while this one waited.
        IF v_keyed THEN
            RETURN QUERY
                SELECT 'K'::""char"", 0, e.id, e.wallet_id, e.amount, e.balance_after, e.idempotency_key::text,
                    e.request_fingerprint::text
                FROM ledger_entries e WHERE e.idempotency_key = ANY(p_key)
                UNION ALL SELECT 'K', 0, 0, r.wallet_id, r.amount, r.balance, r.idempotency_key, r.request_fingerprint
                FROM ledger_refusals r WHERE r.idempotency_key = ANY(p_key)
                UNION ALL SELECT 'K', 0, -h.id, h.wallet_id, -h.amount, 0, h.idempotency_key, h.request_fingerprint
                FROM ledger_holds h WHERE h.idempotency_key = ANY(p_key);
            IF FOUND THEN
                RETURN;
            END IF;
        END IF;

        EXIT WHEN v_pass = 2;
        -- Locks in ascending id order (the rows are sorted before FOR UPDATE locks each one).
        SELECT coalesce(array_agg(l.id ORDER BY l.id), '{}'), coalesce(array_agg(l.owner_id ORDER BY l.id), '{}'),
            coalesce(array_agg(l.cached_balance ORDER BY l.id), '{}'), coalesce(array_agg(l.allow_overdraft ORDER BY l.id), '{}'),
            coalesce(array_agg(l.frozen ORDER BY l.id), '{}'), coalesce(array_agg(l.held ORDER BY l.id), '{}'),
            greatest(p_now, max(l.updated_at))
        INTO v_ids, v_owners, v_bal, v_over, v_frozen, v_held, v_stamp
        FROM (SELECT id, owner_id, cached_balance, allow_overdraft, updated_at, frozen, held FROM wallets
            WHERE owner_id = ANY(p_owner) ORDER BY id FOR UPDATE) AS l;
    END LOOP;

    IF p_hold IS NOT NULL THEN
        -- A capture: its hold, under its wallet's lock, must still be pending and not expired; its whole amount leaves the
        -- wallet's held coins before the debit is checked (written with the balances, so a refusal leaves the hold as it was).
        SELECT h.wallet_id, h.amount, h.status, h.expires_at INTO v_hold FROM ledger_holds h WHERE h.id = p_hold;
        IF v_hold.status NOT IN (0, 3) THEN
            RETURN QUERY SELECT 'P'::""char"", 0, p_hold, v_hold.wallet_id, v_hold.status::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        IF v_hold.status = 3 OR v_hold.expires_at <= p_now THEN
            -- Expired, or released by the expiry timer (whose clock may be ahead of this instance's): never released twice.
            RETURN QUERY SELECT 'E'::""char"", 0, p_hold, v_hold.wallet_id, 0::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        j := array_position(v_ids, v_hold.wallet_id);
        v_held[j] := v_held[j] - v_hold.amount;
    END IF;

    FOR i IN 1..v_count LOOP
        j := array_position(v_owners, p_owner[i]);
        IF j IS NULL THEN
            IF NOT p_create[i] THEN
                RETURN QUERY SELECT 'N'::""char"", i - 1, 0::bigint, 0::bigint, 0::bigint, 0::bigint, NULL::text, NULL::text;
                RETURN;
            END IF;

            -- A wallet to create: decided on as empty before it is created, so a refusal leaves no new wallet behind.
            v_ids := v_ids || 0::bigint;
            v_owners := v_owners || p_owner[i];
            v_bal := v_bal || 0::bigint;
            v_over := v_over || false;
            v_frozen := v_frozen || false;
            v_held := v_held || 0::bigint;
            v_missing := v_missing || p_owner[i];
            j := cardinality(v_owners);
        END IF;

        IF (p_delta[i] > 0 AND v_bal[j] > 9223372036854775807 - p_delta[i])
            OR (p_delta[i] < 0 AND v_bal[j] < -9223372036854775808 - p_delta[i]) THEN
            RETURN QUERY SELECT 'O'::""char"", i - 1, 0::bigint, v_ids[j], 0::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        v_next := v_bal[j] + p_delta[i];
        IF p_delta[i] < 0 AND v_frozen[j] AND NOT p_compensating[i] THEN
            RETURN QUERY SELECT 'Z'::""char"", i - 1, 0::bigint, v_ids[j], 0::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        IF NOT v_over[j] AND (v_next < 0 OR (p_delta[i] < 0 AND v_next - v_held[j] < 0)) THEN
            IF v_held[j] <> 0 OR v_ids[j] = 0 THEN
                -- The cached held coins may include expired holds: the caller decides with the exact sum.
                RAISE EXCEPTION 'ledger_post: refusal needs the general path' USING ERRCODE = 'FL001';
            END IF;

            SELECT min(n) INTO k FROM generate_subscripts(p_owner, 1) AS n WHERE p_owner[n] = p_owner[i] AND p_delta[n] < 0;
            IF k IS NOT NULL AND p_keep[k] THEN
                INSERT INTO ledger_refusals (idempotency_key, request_fingerprint, wallet_id, balance, amount, created_at)
                VALUES (p_key[k], p_fingerprint[k], v_ids[j], v_bal[j] - v_held[j], p_delta[k], p_now);
            END IF;

            RETURN QUERY SELECT 'I'::""char"", i - 1, 0::bigint, v_ids[j], -p_delta[i], v_bal[j] - v_held[j], NULL::text, NULL::text;
            RETURN;
        END IF;

        v_bal[j] := v_next;
        v_slot := v_slot || j;
        v_after := v_after || v_next;
    END LOOP;

    IF cardinality(v_missing) > 0 THEN
        FOR w IN INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at)
            SELECT o, 0, false, p_now, p_now FROM unnest(v_missing) AS o ORDER BY o
            ON CONFLICT (owner_id) DO NOTHING RETURNING id, owner_id
        LOOP
            v_ids[array_position(v_owners, w.owner_id)] := w.id;
        END LOOP;

        IF 0 = ANY(v_ids) THEN
            -- A concurrent first credit created one of them: the general path locks it and decides again.
            RAISE EXCEPTION 'ledger_post: a wallet was created concurrently' USING ERRCODE = 'FL001';
        END IF;
    END IF;

    UPDATE wallets AS t SET cached_balance = v.b, held = v.h, updated_at = v_stamp
    FROM unnest(v_ids, v_bal, v_held) AS v(id, b, h) WHERE t.id = v.id;
    GET DIAGNOSTICS v_created = ROW_COUNT;
    IF v_created <> cardinality(v_ids) THEN
        RAISE EXCEPTION 'ledger_post: % of % wallets updated', v_created, cardinality(v_ids) USING ERRCODE = 'FL002';
    END IF;

    -- Every entry in one insert, in posting order: identities are drawn as the rows are inserted, so the ascending ids
    -- are the postings' in order.
    FOR i IN 1..v_count LOOP
        v_wallet := v_wallet || v_ids[v_slot[i]];
    END LOOP;

    WITH inserted AS (
        INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, created_at)
        SELECT v.w, v.a, v.b, v.r, v.k, v.f, v.m, v_stamp
        FROM unnest(v_wallet, p_delta, v_after, p_reason, p_key, p_fingerprint, p_meta) WITH ORDINALITY AS v(w, a, b, r, k, f, m, n)
        ORDER BY v.n
        RETURNING id)
    SELECT array_agg(id ORDER BY id) INTO v_entries FROM inserted;

    IF p_hold IS NOT NULL THEN
        UPDATE ledger_holds SET status = 1, captured = p_captured, capture_entry_id = v_entries[1], updated_at = p_now
        WHERE id = p_hold;
    END IF;

    RETURN QUERY SELECT 'W'::""char"", n - 1, v_entries[n], v_wallet[n], p_delta[n], v_after[n], NULL::text, NULL::text
        FROM generate_subscripts(p_owner, 1) AS n;
END
$fn$;");
            migrationBuilder.Sql(@"CREATE FUNCTION ledger_capture(
    p_hold bigint, p_amount bigint, p_to bigint, p_reason text, p_key text, p_credit_key text, p_fingerprint text,
    p_now timestamptz)
RETURNS TABLE (o_kind ""char"", o_n integer, o_id bigint, o_wallet bigint, o_amount bigint, o_balance bigint,
    o_key text, o_fingerprint text)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 AS $fn$
DECLARE
    v record;
    v_amount bigint;
    v_reason text;
BEGIN
    SELECT h.amount, h.status, h.expires_at, h.reason, h.meta, w.owner_id INTO v
    FROM ledger_holds h JOIN wallets w ON w.id = h.wallet_id WHERE h.id = p_hold;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    -- The hold as read, for the caller's checks (status, expiry, amount, payee): o_n its status, o_id its amount, o_wallet its
    -- owner, o_amount the coins to capture, o_balance its expiry (microseconds since 1970), o_key the reason, o_fingerprint
    -- its meta. When a check fails nothing more is done; otherwise ledger_post checks the hold again under the lock.
    v_amount := coalesce(p_amount, v.amount);
    v_reason := coalesce(p_reason, v.reason);
    RETURN QUERY SELECT 'h'::""char"", v.status, v.amount, v.owner_id, v_amount,
        (extract(epoch FROM v.expires_at) * 1000000)::bigint, v_reason, v.meta::text;
    IF v.status <> 0 OR v.expires_at <= p_now OR v_amount > v.amount OR p_to = v.owner_id THEN
        RETURN;
    END IF;

    IF p_to IS NULL THEN
        RETURN QUERY SELECT * FROM ledger_post(ARRAY[v.owner_id], ARRAY[-v_amount], ARRAY[v_reason], ARRAY[p_key],
            ARRAY[p_fingerprint], ARRAY[v.meta::text], ARRAY[false], ARRAY[false], ARRAY[false], p_now, p_hold, v_amount);
    ELSE
        RETURN QUERY SELECT * FROM ledger_post(ARRAY[v.owner_id, p_to], ARRAY[-v_amount, v_amount], ARRAY[v_reason, v_reason],
            ARRAY[p_key, p_credit_key], ARRAY[p_fingerprint, p_fingerprint], ARRAY[v.meta::text, v.meta::text],
            ARRAY[false, true], ARRAY[false, false], ARRAY[false, false], p_now, p_hold, v_amount);
    END IF;
END
$fn$;");
            migrationBuilder.Sql(@"CREATE FUNCTION ledger_void(p_hold bigint, p_now timestamptz)
RETURNS TABLE (o_kind ""char"", o_replayed boolean, o_id bigint, o_owner bigint, o_wallet bigint, o_amount bigint,
    o_status integer, o_expires timestamptz, o_captured bigint, o_entry bigint, o_balance bigint, o_held bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 AS $fn$
DECLARE
    v_hold record;
BEGIN
    -- The hold's wallet is locked (as every write locks its wallets), then the hold is checked under the lock.
    PERFORM 1 FROM wallets w WHERE w.id = (SELECT h.wallet_id FROM ledger_holds h WHERE h.id = p_hold) FOR UPDATE;
    SELECT h.wallet_id, h.amount, h.status, h.expires_at INTO v_hold FROM ledger_holds h WHERE h.id = p_hold;
    IF NOT FOUND OR v_hold.status <> 0 OR v_hold.expires_at <= p_now THEN
        -- Expired covers a hold the expiry timer released (its clock may be ahead of this instance's).
        RETURN QUERY SELECT (CASE WHEN v_hold.status IS NULL THEN 'F' WHEN v_hold.status NOT IN (0, 3) THEN 'P' ELSE 'E' END)::""char"",
            false, p_hold, 0::bigint, coalesce(v_hold.wallet_id, 0), coalesce(v_hold.amount, 0), coalesce(v_hold.status, 0),
            coalesce(v_hold.expires_at, p_now), 0::bigint, NULL::bigint, 0::bigint, 0::bigint;
        RETURN;
    END IF;

    UPDATE ledger_holds SET status = 2, captured = 0, updated_at = p_now WHERE id = p_hold;
    UPDATE wallets SET held = held - v_hold.amount WHERE id = v_hold.wallet_id;
    RETURN QUERY SELECT 'H'::""char"", false, h.id, w.owner_id, h.wallet_id, h.amount, h.status, h.expires_at, h.captured,
        h.capture_entry_id, w.cached_balance,
        (SELECT coalesce(sum(x.amount), 0)::bigint FROM ledger_holds x
         WHERE x.wallet_id = w.id AND x.status = 0 AND x.expires_at > p_now)
    FROM ledger_holds h JOIN wallets w ON w.id = h.wallet_id WHERE h.id = p_hold;
END
$fn$;");
            migrationBuilder.Sql(@"CREATE FUNCTION ledger_hold(
    p_owner bigint, p_amount bigint, p_reason text, p_meta text, p_key text, p_fingerprint text, p_expires timestamptz,
    p_now timestamptz)
RETURNS TABLE (o_kind ""char"", o_replayed boolean, o_id bigint, o_owner bigint, o_wallet bigint, o_amount bigint,
    o_status integer, o_expires timestamptz, o_captured bigint, o_entry bigint, o_balance bigint, o_held bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 AS $fn$
DECLARE
    v_key record;
    v_wallet record;
    v_hold bigint;
    v_replayed boolean := true;
    v_active bigint;
BEGIN
    FOR v_pass IN 1..2 LOOP
        -- Pass 1: a replay or a conflict is answered from the key alone, with no lock. Pass 2, under the wallet's lock: a
        -- concurrent first request under the key may have committed while this one waited. A hold's row comes first.
        SELECT k.id, k.wallet_id, k.balance, k.amount, k.fingerprint INTO v_key
        FROM (SELECT -h.id AS id, h.wallet_id, 0::bigint AS balance, -h.amount AS amount, h.request_fingerprint::text AS fingerprint
              FROM ledger_holds h WHERE h.idempotency_key = p_key
              UNION ALL SELECT 0, r.wallet_id, r.balance, r.amount, r.request_fingerprint FROM ledger_refusals r
              WHERE r.idempotency_key = p_key
              UNION ALL SELECT e.id, e.wallet_id, e.balance_after, e.amount, e.request_fingerprint FROM ledger_entries e
              WHERE e.idempotency_key = p_key) AS k
        ORDER BY k.id LIMIT 1;
        IF FOUND THEN
            IF v_key.fingerprint IS DISTINCT FROM p_fingerprint THEN
                RETURN QUERY SELECT 'C'::""char"", true, 0::bigint, p_owner, v_key.wallet_id, 0::bigint, 0, p_now, 0::bigint,
                    NULL::bigint, 0::bigint, 0::bigint;
                RETURN;
            END IF;

            IF v_key.id >= 0 THEN
                RETURN QUERY SELECT 'I'::""char"", true, 0::bigint, p_owner, v_key.wallet_id, -v_key.amount, 0, p_now, 0::bigint,
                    NULL::bigint, v_key.balance, 0::bigint;
                RETURN;
            END IF;

            v_hold := -v_key.id;
            EXIT;
        END IF;

        EXIT WHEN v_pass = 2;
        SELECT w.id, w.cached_balance, w.allow_overdraft, w.frozen, w.held INTO v_wallet
        FROM wallets w WHERE w.owner_id = p_owner FOR UPDATE;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'N'::""char"", false, 0::bigint, p_owner, 0::bigint, 0::bigint, 0, p_now, 0::bigint, NULL::bigint,
                0::bigint, 0::bigint;
            RETURN;
        END IF;
    END LOOP;

    IF v_hold IS NULL THEN
        v_replayed := false;
        IF v_wallet.frozen THEN
            RETURN QUERY SELECT 'Z'::""char"", false, 0::bigint, p_owner, v_wallet.id, 0::bigint, 0, p_now, 0::bigint, NULL::bigint,
                0::bigint, 0::bigint;
            RETURN;
        END IF;

        IF NOT v_wallet.allow_overdraft AND v_wallet.cached_balance - v_wallet.held < p_amount THEN
            -- The cached held coins may include expired holds: the exact sum decides.
            SELECT coalesce(sum(h.amount), 0) INTO v_active FROM ledger_holds h
            WHERE h.wallet_id = v_wallet.id AND h.status = 0 AND h.expires_at > p_now;
            IF v_wallet.cached_balance - v_active < p_amount THEN
                -- Kept under the key like a refused debit: a retry under it is refused again.
                INSERT INTO ledger_refusals (idempotency_key, request_fingerprint, wallet_id, balance, amount, created_at)
                VALUES (p_key, p_fingerprint, v_wallet.id, v_wallet.cached_balance - v_active, -p_amount, p_now);
                RETURN QUERY SELECT 'I'::""char"", false, 0::bigint, p_owner, v_wallet.id, p_amount, 0, p_now, 0::bigint,
                    NULL::bigint, v_wallet.cached_balance - v_active, 0::bigint;
                RETURN;
            END IF;
        END IF;

        INSERT INTO ledger_holds (wallet_id, amount, status, captured, reason, meta, idempotency_key, request_fingerprint,
            expires_at, created_at, updated_at)
        VALUES (v_wallet.id, p_amount, 0, 0, p_reason, p_meta, p_key, p_fingerprint, p_expires, p_now, p_now)
        RETURNING id INTO v_hold;
        UPDATE wallets SET held = held + p_amount WHERE id = v_wallet.id;
    END IF;

    -- The hold as it stands, with its wallet's balance and the coins its pending holds reserve at p_now.
    RETURN QUERY SELECT 'H'::""char"", v_replayed, h.id, w.owner_id, h.wallet_id, h.amount, h.status, h.expires_at, h.captured,
        h.capture_entry_id, w.cached_balance,
        (SELECT coalesce(sum(x.amount), 0)::bigint FROM ledger_holds x
         WHERE x.wallet_id = w.id AND x.status = 0 AND x.expires_at > p_now)
    FROM ledger_holds h JOIN wallets w ON w.id = h.wallet_id WHERE h.id = v_hold;
END
$fn$;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION ledger_hold(bigint, bigint, text, text, text, text, timestamptz, timestamptz);");
            migrationBuilder.Sql("DROP FUNCTION ledger_void(bigint, timestamptz);");
            migrationBuilder.Sql("DROP FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, timestamptz);");
            migrationBuilder.Sql(NewPost);
            migrationBuilder.Sql(OneRoundTripPost.Function);
        }
    }
}
