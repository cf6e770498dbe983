-- shop_purchase v3: a purchase in one statement (FuncLedger.Core's PostgresPostCommand.PurchaseAsync calls it; ShopPurchases
-- holds the same rules on the general path, and names this file). Since v2: the debit is written here, not through ledger_post
-- (a nested set-returning call, its arrays and its second look at the keys were a third of the purchase's server time), by
-- ledger_post's rules for one debit; ledger_post still answers what only it answers (a refusal kept under the key, a key the
-- ledger or another request holds).
-- The key first, with the item's terms, in one read and no lock: another request's key is a conflict ('R'); this request's
-- answers the purchase it made ('b'), or ledger_post answers it (a kept refusal). The terms refused ('S', the refusal's code
-- in o_key) write nothing. Then the buyer's wallet lock, under which the per-player limit (counting units in pending
-- checkouts) is counted exactly, and the debit checked as ledger_post checks it: overflow ('O'), frozen ('Z'), short of coins
-- ('I', kept under the key), or declined (FL001: a refusal that needs the exact sum of the wallet's holds; the general path
-- runs). A concurrent first request under the key that committed while this one waited is not looked for again: the key's
-- unique indexes refuse this one's insert, and the caller runs it again, which answers from the key. Then the wallet, the
-- entry, the key, a guarded stock update (SQLSTATE FL003 when another buyer took the last units: the whole statement, debit
-- included, rolls back), the purchase row and the inventory grant ('W', then 'B').
CREATE FUNCTION shop_purchase(
    p_owner bigint, p_sku text, p_quantity integer, p_price bigint, p_total bigint, p_key text, p_fingerprint text,
    p_meta text, p_now timestamptz)
RETURNS TABLE (o_kind "char", o_n integer, o_id bigint, o_wallet bigint, o_amount bigint, o_balance bigint,
    o_key text, o_fingerprint text)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET random_page_cost = 1.1 SET search_path = public, pg_temp AS $fn$
DECLARE
    c_op_purchase CONSTANT smallint := 11;  -- LedgerOperation.Purchase
    c_source CONSTANT smallint := 11;  -- EntrySource.Purchase
    c_pending CONSTANT smallint := 0;  -- CheckoutStatus.Pending
    v_taken boolean := false;
    v_item record;
    v_wallet record;
    v_owned bigint;
    v_next bigint;
    v_entry bigint;
    v_left bigint;
    v_purchase bigint;
BEGIN
    SELECT c.request_fingerprint AS registered, c.operation, c.idempotency_key IS NULL AND (
            EXISTS (SELECT 1 FROM ledger_entries e WHERE e.idempotency_key = p_key)
            OR EXISTS (SELECT 1 FROM ledger_refusals r WHERE r.idempotency_key = p_key)
            OR EXISTS (SELECT 1 FROM ledger_holds h WHERE h.idempotency_key = p_key)) AS taken,
        i.sku IS NOT NULL AS found, i.title, i.price, i.stock, i.per_player_limit, i.active, i.starts_at, i.ends_at
    INTO v_item
    FROM (SELECT) AS one LEFT JOIN client_keys c ON c.idempotency_key = p_key LEFT JOIN shop_items i ON i.sku = p_sku;
    IF v_item.registered <> p_fingerprint THEN
        RETURN QUERY SELECT 'R'::"char", 0, 0::bigint, 0::bigint, v_item.operation::bigint, 0::bigint, p_key, v_item.registered::text;
        RETURN;
    ELSIF v_item.registered IS NOT NULL THEN
        RETURN QUERY SELECT 'b'::"char", p.refunded_quantity, p.id, p.entry_id,
            (extract(epoch FROM p.created_at) * 1000000)::bigint, e.balance_after, p.title::text, NULL::text
        FROM ledger_entries e JOIN shop_purchases p ON p.entry_id = e.id WHERE e.idempotency_key = p_key;
        IF FOUND THEN
            RETURN;
        END IF;

        -- A refusal kept under the key (insufficient funds): the item's terms are not looked at, ledger_post answers it.
        v_taken := true;
    ELSE
        IF NOT v_item.found THEN
            RETURN QUERY SELECT 'S'::"char", 0, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 'item_not_found'::text, NULL::text;
            RETURN;
        ELSIF NOT v_item.active OR v_item.starts_at > p_now OR v_item.ends_at <= p_now THEN
            RETURN QUERY SELECT 'S'::"char", 0, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 'item_unavailable'::text, NULL::text;
            RETURN;
        ELSIF v_item.price <> p_price THEN
            RETURN QUERY SELECT 'S'::"char", 0, 0::bigint, 0::bigint, v_item.price, 0::bigint, 'price_changed'::text, NULL::text;
            RETURN;
        ELSIF v_item.stock < p_quantity THEN
            RETURN QUERY SELECT 'S'::"char", 0, 0::bigint, 0::bigint, v_item.stock, 0::bigint, 'out_of_stock'::text, NULL::text;
            RETURN;
        END IF;

        -- The buyer's lock: every purchase, refund and checkout of this owner waits for it, so the limit's count is exact.
        SELECT w.id, w.cached_balance, w.allow_overdraft, w.frozen, w.held, greatest(p_now, w.updated_at) AS stamp INTO v_wallet
        FROM wallets w WHERE w.owner_id = p_owner FOR UPDATE;
        IF v_item.per_player_limit IS NOT NULL THEN
            SELECT coalesce(sum(p.quantity - p.refunded_quantity), 0) + coalesce((SELECT sum(l.quantity)
                    FROM shop_checkout_lines l JOIN shop_checkouts c ON c.id = l.checkout_id
                    WHERE c.owner_id = p_owner AND c.status = c_pending AND c.expires_at > p_now AND l.sku = p_sku), 0)
            INTO v_owned FROM shop_purchases p WHERE p.owner_id = p_owner AND p.sku = p_sku;
            IF v_owned + p_quantity > v_item.per_player_limit THEN
                RETURN QUERY SELECT 'S'::"char", 0, 0::bigint, 0::bigint, v_item.per_player_limit::bigint, v_owned,
                    'purchase_limit'::text, NULL::text;
                RETURN;
            END IF;
        END IF;

        v_taken := v_item.taken;
    END IF;

    IF v_taken THEN
        -- The key is this request's kept refusal, or the ledger's own: ledger_post answers from it (the refusal again, a
        -- replay of the debit alone, or a conflict) and writes nothing.
        FOR o_kind, o_n, o_id, o_wallet, o_amount, o_balance, o_key, o_fingerprint IN
            SELECT * FROM ledger_post(ARRAY[p_owner], ARRAY[-p_total],
                ARRAY[coalesce('Bought ' || p_quantity || ' x ' || v_item.title, '')], ARRAY[p_key], ARRAY[p_fingerprint],
                ARRAY[p_meta], ARRAY[c_source], ARRAY[false], ARRAY[false], ARRAY[true], p_now, NULL, NULL, NULL, p_key,
                c_op_purchase, p_fingerprint, NULL)
        LOOP
            IF o_kind = 'W' THEN
                RAISE EXCEPTION 'shop_purchase: ledger_post wrote under a key it holds' USING ERRCODE = 'FL002';
            END IF;
            RETURN NEXT;
        END LOOP;
        RETURN;
    END IF;

    -- The debit, by ledger_post's rules for one posting.
    IF v_wallet.id IS NULL THEN
        RETURN QUERY SELECT 'N'::"char", 0, 0::bigint, 0::bigint, 0::bigint, 0::bigint, NULL::text, NULL::text;
        RETURN;
    ELSIF v_wallet.cached_balance < -9223372036854775808 + p_total THEN
        RETURN QUERY SELECT 'O'::"char", 0, 0::bigint, v_wallet.id, 0::bigint, 0::bigint, NULL::text, NULL::text;
        RETURN;
    ELSIF v_wallet.frozen THEN
        RETURN QUERY SELECT 'Z'::"char", 0, 0::bigint, v_wallet.id, 0::bigint, 0::bigint, NULL::text, NULL::text;
        RETURN;
    END IF;

    v_next := v_wallet.cached_balance - p_total;
    IF NOT v_wallet.allow_overdraft AND (v_next < 0 OR v_next - v_wallet.held < 0) THEN
        IF v_wallet.held <> 0 THEN
            -- The cached held coins may include expired holds: the caller decides with the exact sum.
            RAISE EXCEPTION 'shop_purchase: refusal needs the general path' USING ERRCODE = 'FL001';
        END IF;

        INSERT INTO ledger_refusals (idempotency_key, request_fingerprint, wallet_id, balance, amount, created_at)
        VALUES (p_key, p_fingerprint, v_wallet.id, v_wallet.cached_balance, -p_total, p_now);
        INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at)
        VALUES (p_key, c_op_purchase, p_fingerprint, p_now);
        RETURN QUERY SELECT 'I'::"char", 0, 0::bigint, v_wallet.id, p_total, v_wallet.cached_balance, NULL::text, NULL::text;
        RETURN;
    END IF;

    UPDATE wallets SET cached_balance = v_next, updated_at = v_wallet.stamp WHERE id = v_wallet.id;
    INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, source,
        created_at)
    VALUES (v_wallet.id, -p_total, v_next, 'Bought ' || p_quantity || ' x ' || v_item.title, p_key, p_fingerprint, p_meta, c_source,
        v_wallet.stamp)
    RETURNING id INTO v_entry;
    INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at)
    VALUES (p_key, c_op_purchase, p_fingerprint, p_now);

    IF v_item.stock IS NOT NULL THEN
        UPDATE shop_items SET stock = stock - p_quantity WHERE sku = p_sku AND stock >= p_quantity;
        IF NOT FOUND THEN
            SELECT stock INTO v_left FROM shop_items WHERE sku = p_sku;
            -- The message carries the units left (a DETAIL would be redacted by the client).
            RAISE EXCEPTION 'out_of_stock %', coalesce(v_left, 0) USING ERRCODE = 'FL003';
        END IF;
    END IF;

    INSERT INTO shop_purchases (owner_id, wallet_id, sku, title, quantity, price, total, refunded_quantity, entry_id,
        idempotency_key, created_at)
    VALUES (p_owner, v_wallet.id, p_sku, v_item.title, p_quantity, p_price, p_total, 0, v_entry, p_key, p_now)
    RETURNING id INTO v_purchase;
    INSERT INTO shop_inventory (owner_id, sku, quantity, updated_at) VALUES (p_owner, p_sku, p_quantity, p_now)
    ON CONFLICT (owner_id, sku) DO UPDATE SET quantity = shop_inventory.quantity + excluded.quantity, updated_at = excluded.updated_at;

    RETURN QUERY VALUES ('W'::"char", 0, v_entry, v_wallet.id, -p_total, v_next, NULL::text, NULL::text),
        ('B'::"char", 0, v_purchase, v_entry, (extract(epoch FROM p_now) * 1000000)::bigint, v_next, v_item.title::text, NULL::text);
END
$fn$;
