using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orbital.KitchenBatch.Infrastructure.Migrations
{
    /// <summary>
    /// Intake of new orders in one round trip (<c>orbital_receive_orders</c>, called by NewOrderReceiver): the batch items'
    /// schedule and brands served moved by what an order adds (<c>orbital_schedule_add</c>, <c>orbital_serves_add</c>),
    /// and a batch item as screens see it (<c>orbital_batch_item_view</c>, the same as BatchItemView.From, which a test
    /// holds them to). The helpers are PL/pgSQL rather than SQL functions: PostgreSQL plans a SQL function that it
    /// cannot inline again on every call, while PL/pgSQL keeps its plans for the session (measured: a third of the
    /// intake function's time).
    /// </summary>
    public partial class OneRoundTripIntake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION orbital_schedule_add(schedule jsonb, added jsonb) RETURNS jsonb
                LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
                BEGIN
                    RETURN (
                        SELECT coalesce(jsonb_agg(jsonb_build_object('dueAt', s.due, 'quantity', s.quantity) ORDER BY s.due), '[]'::jsonb)
                        FROM (SELECT (e->>'dueAt')::timestamptz AS due, sum((e->>'quantity')::int)::int AS quantity
                              FROM jsonb_array_elements(coalesce(schedule, '[]'::jsonb) || coalesce(added, '[]'::jsonb)) AS e
                              GROUP BY 1
                              HAVING sum((e->>'quantity')::int) > 0) s
                    );
                END
                $fn$;

                CREATE FUNCTION orbital_serves_add(serves jsonb, added jsonb) RETURNS jsonb
                LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
                BEGIN
                    RETURN (
                        SELECT coalesce(jsonb_agg(jsonb_build_object('brand', s.brand, 'item', s.item, 'quantity', s.quantity) ORDER BY s.quantity DESC, s.brand, s.item), '[]'::jsonb)
                        FROM (SELECT e->>'brand' AS brand, e->>'item' AS item, sum((e->>'quantity')::int)::int AS quantity
                              FROM jsonb_array_elements(coalesce(serves, '[]'::jsonb) || coalesce(added, '[]'::jsonb)) AS e
                              GROUP BY 1, 2
                              HAVING sum((e->>'quantity')::int) > 0) s
                    );
                END
                $fn$;

                CREATE FUNCTION orbital_batch_item_view(b batch_items, as_of timestamptz, horizon interval, coming_up interval, stale_after interval) RETURNS jsonb
                LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
                BEGIN
                    RETURN (
                        WITH d AS (
                            SELECT x.n, (x.e->>'dueAt')::timestamptz AS due, (x.e->>'dueAt')::timestamptz - make_interval(secs => b.prep_seconds) AS fire, (x.e->>'quantity')::int AS quantity
                            FROM jsonb_array_elements(b.schedule) WITH ORDINALITY AS x(e, n))
                        SELECT jsonb_build_object(
                            'id', b.id,
                            'station', b.station,
                            'itemName', b.item_name,
                            'modifiers', to_jsonb(b.modifiers),
                            'openQuantity', b.open_quantity,
                            'inProgressQuantity', b.in_progress_quantity,
                            'waitingQuantity', b.open_quantity - b.in_progress_quantity,
                            'surplusQuantity', b.surplus_quantity,
                            'oldestOpenPlacedAt', b.oldest_open_placed_at,
                            'updatedAt', b.updated_at,
                            'prepSeconds', b.prep_seconds,
                            'schedule', coalesce((SELECT jsonb_agg(jsonb_build_object('dueAt', d.due, 'fireAt', d.fire, 'quantity', d.quantity) ORDER BY d.n) FROM d), '[]'::jsonb),
                            'serves', b.serves,
                            'nowQuantity', coalesce((SELECT sum(d.quantity) FROM d WHERE d.due + stale_after > as_of AND d.fire <= as_of + horizon), 0),
                            'comingUpQuantity', coalesce((SELECT sum(d.quantity) FROM d WHERE d.fire > as_of + horizon AND d.fire <= as_of + coming_up), 0),
                            'lateQuantity', coalesce((SELECT sum(d.quantity) FROM d WHERE d.due <= as_of), 0),
                            'staleQuantity', coalesce((SELECT sum(d.quantity) FROM d WHERE d.due + stale_after <= as_of), 0),
                            'asOf', as_of)
                    );
                END
                $fn$;
                """);

            migrationBuilder.Sql("""
                CREATE FUNCTION orbital_receive_orders(
                    p_order_ids text[], p_brands text[], p_placed_at timestamptz[], p_due_at timestamptz[], p_due_minutes timestamptz[],
                    p_source_ids text[], p_revisions numeric[], p_received text[],
                    p_stations text[], p_items text[], p_modifiers text[], p_modifiers_keys text[], p_preps int[],
                    p_line_orders int[], p_line_batches int[], p_line_ids text[], p_line_stations text[], p_line_production_items text[],
                    p_line_menu_stations text[], p_line_menu_items text[],
                    p_line_modifiers text[], p_line_notes text[], p_line_menu_quantities int[], p_line_multipliers int[],
                    p_now timestamptz, p_horizon interval, p_coming_up interval, p_stale_after interval, p_trace_parents text[])
                RETURNS TABLE (received_n int, received_id bigint)
                LANGUAGE plpgsql
                -- Its statements are planned once per connection, not at every call: custom plans for array parameters
                -- cost more to make than they save (measured: 1.9 ms a call with them, 1.2 ms without).
                SET plan_cache_mode = force_generic_plan
                -- Times in what it writes for screens read as the kitchen writes them (+00:00), whatever the server's zone.
                SET timezone = 'UTC'
                AS $fn$
                DECLARE
                    v_batch_ids bigint[];
                    v_taken_ids bigint[];
                    v_taken_n int[];
                    v_ids bigint[];
                    v_surplus boolean;
                    v_view_ids bigint[];
                    v_view_stations text[];
                    v_view_traces text[];
                    v_views jsonb[];
                BEGIN
                    -- 1. The batch items, created empty when missing, locked in key order (the order every writer takes them in).
                    --    A batch item holding surplus is marked by a negative id: its surplus goes to the oldest open lines first,
                    --    which is the full path's work.
                    WITH k AS (
                        SELECT k.*, ARRAY(SELECT jsonb_array_elements_text(k.modifiers_json::jsonb)) AS modifiers_array
                        FROM unnest(p_stations, p_items, p_modifiers, p_modifiers_keys, p_preps) WITH ORDINALITY
                            AS k(station, item_name, modifiers_json, modifiers_key, prep_seconds, n)),
                    locked AS (
                        INSERT INTO batch_items AS b (station, item_name, modifiers, modifiers_key, open_quantity, in_progress_quantity, surplus_quantity, updated_at, prep_seconds)
                        SELECT k.station, k.item_name, k.modifiers_array, k.modifiers_key, 0, 0, 0, p_now, k.prep_seconds
                        FROM k
                        ORDER BY k.station COLLATE "C", k.item_name COLLATE "C", k.modifiers_key COLLATE "C"
                        ON CONFLICT (station, item_name, modifiers_key) DO UPDATE SET updated_at = b.updated_at
                        RETURNING b.id, b.station, b.item_name, b.modifiers_key, b.surplus_quantity)
                    SELECT array_agg(CASE WHEN l.surplus_quantity > 0 THEN -l.id ELSE l.id END ORDER BY k.n)
                    INTO v_batch_ids
                    FROM k JOIN locked l ON l.station = k.station AND l.item_name = k.item_name AND l.modifiers_key = k.modifiers_key;
                    v_surplus := EXISTS (SELECT 1 FROM unnest(v_batch_ids) AS b(id) WHERE b.id < 0);

                    -- 2. The orders taken: new ones (the unique index on the order id decides, not a look before it), with no line
                    --    meeting surplus, whose document carries no other order still standing. The rest go the full path.
                    WITH o AS (
                        SELECT * FROM unnest(p_order_ids, p_brands, p_placed_at, p_due_at, p_source_ids, p_revisions) WITH ORDINALITY
                            AS o(order_id, brand, placed_at, due_at, source_id, revision, n)),
                    inserted AS (
                        INSERT INTO orders AS x (order_id, brand, placed_at, received_at, source_id, status, revision, due_at, closed_open_quantity)
                        SELECT o.order_id, o.brand, o.placed_at, p_now, o.source_id, 'Open', o.revision, o.due_at, 0
                        FROM o
                        WHERE (NOT v_surplus OR NOT EXISTS (
                                SELECT 1 FROM unnest(p_line_orders, p_line_batches) AS l(order_n, batch_n)
                                WHERE l.order_n = o.n AND v_batch_ids[l.batch_n] < 0))
                          AND (o.source_id IS NULL OR NOT EXISTS (
                                SELECT 1 FROM orders s
                                WHERE s.source_id = o.source_id AND s.order_id <> o.order_id AND s.status NOT IN ('Cancelled', 'Closed')))
                        -- In one order everywhere (the full path too): two calls with the same new orders never deadlock.
                        ORDER BY o.order_id COLLATE "C"
                        ON CONFLICT (order_id) DO NOTHING
                        RETURNING x.id, x.order_id)
                    SELECT array_agg(i.id ORDER BY o.n), array_agg(o.n::int ORDER BY o.n)
                    INTO v_taken_ids, v_taken_n
                    FROM inserted i JOIN o ON o.order_id = i.order_id;

                    IF v_taken_ids IS NULL THEN
                        RETURN;
                    END IF;

                    -- The row id of each order taken, by its place in the call (null for one left to the full path): what follows
                    -- looks orders up by place, never by searching, so a call of hundreds of orders costs in proportion to its size.
                    v_ids := array_fill(NULL::bigint, ARRAY[cardinality(p_order_ids)]);
                    FOR i IN 1 .. cardinality(v_taken_n) LOOP
                        v_ids[v_taken_n[i]] := v_taken_ids[i];
                    END LOOP;

                    -- 3. Their lines.
                    INSERT INTO order_lines (kitchen_order_id, line_id, station, item_name, modifiers, note, quantity, completed_quantity, placed_at,
                                             batch_item_id, menu_station, production_item, multiplier, menu_quantity, due_at)
                    SELECT v_ids[l.order_n], l.line_id, l.station, l.menu_item, ARRAY(SELECT jsonb_array_elements_text(l.modifiers_json::jsonb)), l.note,
                           l.menu_quantity * l.multiplier, 0, p_placed_at[l.order_n], v_batch_ids[l.batch_n], l.menu_station, l.production_item,
                           l.multiplier, l.menu_quantity, p_due_at[l.order_n]
                    FROM unnest(p_line_orders, p_line_batches, p_line_ids, p_line_stations, p_line_production_items, p_line_menu_stations, p_line_menu_items,
                                p_line_modifiers, p_line_notes, p_line_menu_quantities, p_line_multipliers) WITH ORDINALITY
                            AS l(order_n, batch_n, line_id, station, production_item, menu_station, menu_item, modifiers_json, note, menu_quantity, multiplier, n)
                    WHERE v_ids[l.order_n] IS NOT NULL
                    ORDER BY l.n;

                    -- 4. Their demand joins the batch items, the schedule and the brands served moved by just what was added (no
                    --    aggregate over the open lines), and each batch item as screens see it now.
                    WITH l AS (
                        SELECT l.order_n, l.batch_n, l.menu_item, l.menu_quantity, l.menu_quantity * l.multiplier AS quantity
                        FROM unnest(p_line_orders, p_line_batches, p_line_menu_items, p_line_menu_quantities, p_line_multipliers)
                            AS l(order_n, batch_n, menu_item, menu_quantity, multiplier)
                        WHERE v_ids[l.order_n] IS NOT NULL),
                    scheduled AS (
                        SELECT s.batch_n, jsonb_agg(jsonb_build_object('dueAt', s.due, 'quantity', s.quantity)) AS schedule
                        FROM (SELECT l.batch_n, p_due_minutes[l.order_n] AS due, sum(l.quantity)::int AS quantity FROM l GROUP BY 1, 2) s
                        GROUP BY s.batch_n),
                    served AS (
                        SELECT s.batch_n, jsonb_agg(jsonb_build_object('brand', s.brand, 'item', s.item, 'quantity', s.quantity)) AS serves
                        FROM (SELECT l.batch_n, p_brands[l.order_n] AS brand, l.menu_item AS item, sum(l.menu_quantity)::int AS quantity FROM l GROUP BY 1, 2, 3) s
                        GROUP BY s.batch_n),
                    added AS (
                        SELECT a.batch_n, sum(a.quantity)::int AS quantity, min(p_placed_at[a.order_n]) AS oldest, min(a.order_n) AS first_order
                        FROM l a
                        GROUP BY a.batch_n),
                    updated AS (
                        UPDATE batch_items b
                        SET open_quantity = b.open_quantity + added.quantity,
                            oldest_open_placed_at = least(b.oldest_open_placed_at, added.oldest),
                            schedule = orbital_schedule_add(b.schedule, scheduled.schedule),
                            serves = orbital_serves_add(b.serves, served.serves),
                            prep_seconds = p_preps[added.batch_n],
                            updated_at = p_now
                        FROM added
                        JOIN scheduled ON scheduled.batch_n = added.batch_n
                        JOIN served ON served.batch_n = added.batch_n
                        WHERE b.id = v_batch_ids[added.batch_n]
                        RETURNING b.id, b.station, added.first_order, orbital_batch_item_view(b, p_now, p_horizon, p_coming_up, p_stale_after) AS view)
                    SELECT array_agg(u.id ORDER BY u.id), array_agg(u.station ORDER BY u.id), array_agg(p_trace_parents[u.first_order] ORDER BY u.id), array_agg(u.view ORDER BY u.id)
                    INTO v_view_ids, v_view_stations, v_view_traces, v_views
                    FROM updated u;

                    -- 5. The events, last: the lock that makes event ids visible in commit order is held from here to the commit.
                    PERFORM pg_advisory_xact_lock(22326967811719508);
                    INSERT INTO kitchen_events (type, station, payload, occurred_at, trace_parent)
                    SELECT e.type, e.station, e.payload, p_now, e.trace_parent
                    FROM (
                        SELECT 1 AS part, t.n AS n, 'order.received'::varchar AS type, NULL::varchar AS station, p_received[t.order_n]::jsonb AS payload,
                               p_trace_parents[t.order_n] AS trace_parent
                        FROM unnest(v_taken_n) WITH ORDINALITY AS t(order_n, n)
                        UNION ALL
                        SELECT 2, v.n, 'batch.updated', v.station, v.view, v.trace_parent
                        FROM unnest(v_view_stations, v_views, v_view_traces) WITH ORDINALITY AS v(station, view, trace_parent, n)) e
                    ORDER BY e.part, e.n;
                    PERFORM pg_notify('orbital_kitchen_events', currval(pg_get_serial_sequence('kitchen_events', 'id'))::text);

                    RETURN QUERY SELECT t.order_n, t.id FROM unnest(v_taken_n, v_taken_ids) AS t(order_n, id);
                END
                $fn$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION orbital_receive_orders;
                DROP FUNCTION orbital_batch_item_view;
                DROP FUNCTION orbital_serves_add;
                DROP FUNCTION orbital_schedule_add;
                """);
        }
    }
}
