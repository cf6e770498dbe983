-- ledger_post v4: a whole write in one statement (FuncLedger.Core's PostgresPostCommand calls it; LedgerWriter holds the same
-- rules on the general path, and names this file). Since v3: every entry records what wrote it (p_source, EntrySource's
-- numbers, into ledger_entries.source). v3 registered the client's key in client_keys (one key, one operation of any kind),
-- gave a posting its row (p_posting_stem), refused a debit only where the balance would end below zero, let coins out of a
-- frozen wallet only through an operator's adjustment (p_adjustment) and recorded the key that closed a captured hold.
CREATE FUNCTION ledger_post(
    p_owner bigint[], p_delta bigint[], p_reason text[], p_key text[], p_fingerprint text[], p_meta text[], p_source smallint[],
    p_create boolean[], p_adjustment boolean[], p_keep boolean[], p_now timestamptz,
    p_hold bigint, p_captured bigint, p_closed_key text,
    p_client_key text, p_client_op smallint, p_client_fingerprint text, p_posting_stem text)
RETURNS TABLE (o_kind "char", o_n integer, o_id bigint, o_wallet bigint, o_amount bigint, o_balance bigint,
    o_key text, o_fingerprint text)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 SET search_path = public, pg_temp AS $fn$
DECLARE
    c_pending CONSTANT integer := 0;  -- HoldStatus.Pending
    c_captured CONSTANT integer := 1;  -- HoldStatus.Captured
    c_expired CONSTANT integer := 3;  -- HoldStatus.Expired
    v_count integer := cardinality(p_owner);
    v_keyed boolean := cardinality(array_remove(p_key, NULL)) > 0 OR p_client_key IS NOT NULL;
    v_posting bigint;
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
                SELECT 'K'::"char", 0, e.id, e.wallet_id, e.amount, e.balance_after, e.idempotency_key::text,
                    e.request_fingerprint::text
                FROM ledger_entries e WHERE e.idempotency_key = ANY(p_key)
                UNION ALL SELECT 'K', 0, 0, r.wallet_id, r.amount, r.balance, r.idempotency_key, r.request_fingerprint
                FROM ledger_refusals r WHERE r.idempotency_key = ANY(p_key)
                UNION ALL SELECT 'K', 0, -h.id, h.wallet_id, -h.amount, 0, h.idempotency_key, h.request_fingerprint
                FROM ledger_holds h WHERE h.idempotency_key = ANY(p_key)
                UNION ALL SELECT 'R', 0, 0, 0, c.operation::bigint, 0, c.idempotency_key, c.request_fingerprint
                FROM client_keys c WHERE c.idempotency_key = p_client_key;
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
        IF v_hold.status NOT IN (c_pending, c_expired) THEN
            RETURN QUERY SELECT 'P'::"char", 0, p_hold, v_hold.wallet_id, v_hold.status::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        IF v_hold.status = c_expired OR v_hold.expires_at <= p_now THEN
            -- Expired, or released by the expiry timer (whose clock may be ahead of this instance's): never released twice.
            RETURN QUERY SELECT 'E'::"char", 0, p_hold, v_hold.wallet_id, 0::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        j := array_position(v_ids, v_hold.wallet_id);
        v_held[j] := v_held[j] - v_hold.amount;
    END IF;

    FOR i IN 1..v_count LOOP
        j := array_position(v_owners, p_owner[i]);
        IF j IS NULL THEN
            IF NOT p_create[i] THEN
                RETURN QUERY SELECT 'N'::"char", i - 1, 0::bigint, 0::bigint, 0::bigint, 0::bigint, NULL::text, NULL::text;
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
            RETURN QUERY SELECT 'O'::"char", i - 1, 0::bigint, v_ids[j], 0::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        v_next := v_bal[j] + p_delta[i];
        IF p_delta[i] < 0 AND v_frozen[j] AND NOT p_adjustment[i] THEN
            RETURN QUERY SELECT 'Z'::"char", i - 1, 0::bigint, v_ids[j], 0::bigint, 0::bigint, NULL::text, NULL::text;
            RETURN;
        END IF;

        IF p_delta[i] < 0 AND NOT v_over[j] AND (v_next < 0 OR v_next - v_held[j] < 0) THEN
            IF v_held[j] <> 0 OR v_ids[j] = 0 THEN
                -- The cached held coins may include expired holds: the caller decides with the exact sum.
                RAISE EXCEPTION 'ledger_post: refusal needs the general path' USING ERRCODE = 'FL001';
            END IF;

            SELECT min(n) INTO k FROM generate_subscripts(p_owner, 1) AS n WHERE p_owner[n] = p_owner[i] AND p_delta[n] < 0;
            IF k IS NOT NULL AND p_keep[k] THEN
                INSERT INTO ledger_refusals (idempotency_key, request_fingerprint, wallet_id, balance, amount, created_at)
                VALUES (p_key[k], p_fingerprint[k], v_ids[j], v_bal[j] - v_held[j], p_delta[k], p_now);
                IF p_client_key IS NOT NULL THEN
                    INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at)
                    VALUES (p_client_key, p_client_op, p_client_fingerprint, p_now);
                END IF;
            END IF;

            RETURN QUERY SELECT 'I'::"char", i - 1, 0::bigint, v_ids[j], -p_delta[i], v_bal[j] - v_held[j], NULL::text, NULL::text;
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
        INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, source,
            created_at)
        SELECT v.w, v.a, v.b, v.r, v.k, v.f, v.m, v.s, v_stamp
        FROM unnest(v_wallet, p_delta, v_after, p_reason, p_key, p_fingerprint, p_meta, p_source)
            WITH ORDINALITY AS v(w, a, b, r, k, f, m, s, n)
        ORDER BY v.n
        RETURNING id)
    SELECT array_agg(id ORDER BY id) INTO v_entries FROM inserted;

    IF p_hold IS NOT NULL THEN
        UPDATE ledger_holds SET status = c_captured, captured = p_captured, capture_entry_id = v_entries[1], updated_at = p_now,
            closed_key = p_closed_key, closed_fingerprint = p_fingerprint[1]
        WHERE id = p_hold AND status = c_pending;
        GET DIAGNOSTICS v_created = ROW_COUNT;
        IF v_created <> 1 THEN
            RAISE EXCEPTION 'ledger_post: the captured hold was released under its wallet''s lock' USING ERRCODE = 'FL002';
        END IF;
    END IF;

    IF p_client_key IS NOT NULL THEN
        INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at)
        VALUES (p_client_key, p_client_op, p_client_fingerprint, p_now);
    END IF;

    IF p_posting_stem IS NOT NULL THEN
        INSERT INTO postings (key_stem, legs, created_at) VALUES (p_posting_stem, v_count, v_stamp) RETURNING id INTO v_posting;
    END IF;

    RETURN QUERY SELECT 'W'::"char", n - 1, v_entries[n], v_wallet[n], p_delta[n], v_after[n], NULL::text, NULL::text
        FROM generate_subscripts(p_owner, 1) AS n;
    IF v_posting IS NOT NULL THEN
        RETURN QUERY SELECT 'G'::"char", 0, v_posting, 0::bigint, 0::bigint, 0::bigint, NULL::text, NULL::text;
    END IF;
END
$fn$;