-- shop_purchase v2: a purchase in one statement (FuncLedger.Core's PostgresPostCommand.PurchaseAsync calls it; ShopPurchases
-- holds the same rules on the general path, and names this file). The client's key first: another request's is a conflict
-- ('R'), this request's answers the purchase it made ('b'). Then the item's terms and, for an item with a per-player limit,
-- under the buyer's wallet lock (the key looked up again: a concurrent first request may have committed while this one
-- waited), the limit (counting units in pending checkouts); each refused without a write ('S', the refusal's code in o_key).
-- Then the debit through ledger_post v4 (a refusal it keeps under the key, a replay or a conflict is answered as ledger_post
-- answers it), a guarded stock update (SQLSTATE FL003 when another buyer took the last units: the whole statement, debit
-- included, rolls back), the purchase row and the inventory grant ('B'). ledger_post declining (FL001) declines this too:
-- the general path runs. Since v1: a replay finds its purchase through its entry (the same key, the entries' unique index),
-- as shop_purchases keeps no index on the key.
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
    v_registered text;
    v_operation smallint;
    v_kept boolean := false;
    v_item record;
    v_owned bigint;
    v_k "char"[];
    v_n integer[];
    v_i bigint[];
    v_w bigint[];
    v_a bigint[];
    v_b bigint[];
    v_y text[];
    v_f text[];
    v_left bigint;
    v_purchase bigint;
BEGIN
    FOR v_pass IN 1..2 LOOP
        SELECT c.request_fingerprint, c.operation INTO v_registered, v_operation
        FROM client_keys c WHERE c.idempotency_key = p_key;
        IF v_registered IS NOT NULL AND v_registered <> p_fingerprint THEN
            RETURN QUERY SELECT 'R'::"char", 0, 0::bigint, 0::bigint, v_operation::bigint, 0::bigint, p_key, v_registered;
            RETURN;
        END IF;

        IF v_registered IS NOT NULL THEN
            RETURN QUERY SELECT 'b'::"char", p.refunded_quantity, p.id, p.entry_id,
                (extract(epoch FROM p.created_at) * 1000000)::bigint, e.balance_after, p.title::text, NULL::text
            FROM ledger_entries e JOIN shop_purchases p ON p.entry_id = e.id WHERE e.idempotency_key = p_key;
            IF FOUND THEN
                RETURN;
            END IF;

            -- A refusal kept under the key (insufficient funds): ledger_post answers it again, writing nothing.
            v_kept := true;
            SELECT i.title, i.price, i.stock, i.per_player_limit INTO v_item FROM shop_items i WHERE i.sku = p_sku;
            EXIT;
        END IF;

        EXIT WHEN v_pass = 2;
        SELECT i.title, i.price, i.stock, i.per_player_limit, i.active, i.starts_at, i.ends_at INTO v_item
        FROM shop_items i WHERE i.sku = p_sku;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'S'::"char", 0, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 'item_not_found'::text, NULL::text;
            RETURN;
        END IF;

        -- An item without a per-player limit needs no lock before ledger_post's (which looks the key up again under it).
        -- With one, the buyer's lock comes first: every purchase, refund and checkout of this owner waits for it, so the
        -- limit's count is exact.
        EXIT WHEN v_item.per_player_limit IS NULL;
        PERFORM 1 FROM wallets WHERE owner_id = p_owner FOR UPDATE;
    END LOOP;

    IF v_kept THEN
        -- Answered from the key by ledger_post below, which writes nothing: the item's terms are not looked at.
        NULL;
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

    IF v_item.per_player_limit IS NOT NULL AND NOT v_kept THEN
        SELECT coalesce(sum(p.quantity - p.refunded_quantity), 0) + coalesce((SELECT sum(l.quantity)
                FROM shop_checkout_lines l JOIN shop_checkouts c ON c.id = l.checkout_id
                WHERE c.owner_id = p_owner AND c.status = c_pending AND c.expires_at > p_now AND l.sku = p_sku), 0)
        INTO v_owned FROM shop_purchases p WHERE p.owner_id = p_owner AND p.sku = p_sku;
        IF v_owned + p_quantity > v_item.per_player_limit THEN
            RETURN QUERY SELECT 'S'::"char", 0, 0::bigint, 0::bigint, v_item.per_player_limit::bigint, v_owned, 'purchase_limit'::text,
                NULL::text;
            RETURN;
        END IF;
    END IF;

    SELECT array_agg(t.k ORDER BY t.x), array_agg(t.n ORDER BY t.x), array_agg(t.i ORDER BY t.x), array_agg(t.w ORDER BY t.x),
        array_agg(t.a ORDER BY t.x), array_agg(t.b ORDER BY t.x), array_agg(t.y ORDER BY t.x), array_agg(t.f ORDER BY t.x)
    INTO v_k, v_n, v_i, v_w, v_a, v_b, v_y, v_f
    FROM ledger_post(ARRAY[p_owner], ARRAY[-p_total], ARRAY[coalesce('Bought ' || p_quantity || ' x ' || v_item.title, '')], ARRAY[p_key],
        ARRAY[p_fingerprint], ARRAY[p_meta], ARRAY[c_source], ARRAY[false], ARRAY[false], ARRAY[true], p_now, NULL, NULL, NULL,
        p_key, c_op_purchase, p_fingerprint, NULL) WITH ORDINALITY AS t(k, n, i, w, a, b, y, f, x);
    RETURN QUERY SELECT * FROM unnest(v_k, v_n, v_i, v_w, v_a, v_b, v_y, v_f);
    IF v_k[1] <> 'W' THEN
        -- Refused (a refusal kept under the key), replayed or a conflict: as ledger_post answered, nothing of the shop's written.
        RETURN;
    ELSIF v_kept THEN
        RAISE EXCEPTION 'shop_purchase: a kept refusal''s key wrote an entry' USING ERRCODE = 'FL002';
    END IF;

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
    VALUES (p_owner, v_w[1], p_sku, v_item.title, p_quantity, p_price, p_total, 0, v_i[1], p_key, p_now)
    RETURNING id INTO v_purchase;
    INSERT INTO shop_inventory (owner_id, sku, quantity, updated_at) VALUES (p_owner, p_sku, p_quantity, p_now)
    ON CONFLICT (owner_id, sku) DO UPDATE SET quantity = shop_inventory.quantity + excluded.quantity, updated_at = excluded.updated_at;

    RETURN QUERY SELECT 'B'::"char", 0, v_purchase, v_i[1], (extract(epoch FROM p_now) * 1000000)::bigint, v_b[1],
        v_item.title::text, NULL::text;
END
$fn$;
