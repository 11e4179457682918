using MongoDB.Bson;

namespace Orbital.AppHost.Simulation;

/// <summary>
/// Orders as the ordering platform stores them: besides what the kitchen needs, the customer, delivery, payment,
/// prices, modifier groups, status history and platform metadata, for the brands of <see cref="SimulatedMenu"/> (whose
/// items share production items) and the kitchen's four stations, most for now and some scheduled hours ahead. Seeded, so a benchmark measures the same orders every run; the AppHost's simulator writes them too.
/// </summary>
public sealed class PlatformOrderGenerator(int seed)
{
    private static readonly string[] s_brands = [.. SimulatedMenu.Brands.Keys];
    private static readonly string[] s_sources = ["UBER_EATS", "DOORDASH", "DELIVEROO", "JUST_EAT", "DIRECT"];

    private static readonly (string Group, string[] Options)[] s_modifiers =
    [
        ("Remove", ["no onions", "no pickles", "no sauce", "no cheese"]),
        ("Extras", ["extra cheese", "bacon", "jalapeños", "avocado"]),
        ("Cooking", ["well done", "medium", "crispy"]),
        ("Size", ["large", "small"]),
    ];

    private readonly Random _random = new(seed);
    private int _sequence;

    /// <summary>The next order; its <c>OtterOrderId</c> is <paramref name="orderId"/>, or a fresh one.</summary>
    public BsonDocument Next(string? orderId = null)
    {
        var id = ObjectId.GenerateNewId();
        var created = DateTime.UtcNow.AddSeconds(-_random.Next(0, 120));

        // Most orders are for now (picked up in 12 to 20 minutes); one in five is scheduled an hour or two ahead.
        var pickup = _random.Next(5) == 0 ? created.AddMinutes(_random.Next(60, 121)) : created.AddMinutes(_random.Next(12, 21));
        var brand = s_brands[_random.Next(s_brands.Length)];
        var menu = SimulatedMenu.Brands[brand].GroupBy(i => i.Station).Select(g => (Station: g.Key, Items: g.Select(i => i.Name).ToArray())).ToList();
        var stations = new BsonArray();
        decimal subtotal = 0;
        foreach (var (station, items) in menu.OrderBy(_ => _random.Next()).Take(_random.Next(1, menu.Count + 1)))
        {
            var orderItems = new BsonArray();
            for (var i = 0; i < _random.Next(1, 4); i++)
            {
                var quantity = _random.Next(1, 4);
                var unit = Math.Round((decimal)(_random.NextDouble() * 12 + 3), 2);
                subtotal += unit * quantity;
                orderItems.Add(new BsonDocument
                {
                    { "Id", Guid.NewGuid().ToString() },
                    { "SkuId", $"sku-{_random.Next(10_000, 99_999)}" },
                    { "Name", items[_random.Next(items.Length)] },
                    { "Quantity", quantity },
                    { "UnitPrice", new BsonDecimal128(unit) },
                    { "TotalPrice", new BsonDecimal128(unit * quantity) },
                    { "Modifiers", Modifiers() },
                    { "Note", _random.Next(5) == 0 ? "Please cut in half" : BsonNull.Value },
                });
            }

            stations.Add(new BsonDocument
            {
                { "OwnStationName", station },
                { "StationId", Guid.NewGuid().ToString() },
                { "OrderItems", orderItems },
            });
        }

        var tax = Math.Round(subtotal * 0.2m, 2);
        var tip = Math.Round((decimal)_random.Next(0, 500) / 100, 2);
        return new BsonDocument
        {
            { "_id", id },
            { "OtterOrderId", orderId ?? $"otter-{seed}-{++_sequence:D7}" },
            { "ExternalOrderId", $"{s_sources[_random.Next(s_sources.Length)][..2]}-{_random.Next(1000, 9999)}-{_random.Next(1000, 9999)}" },
            { "Source", s_sources[_random.Next(s_sources.Length)] },
            { "BrandName", brand },
            { "BrandId", Guid.NewGuid().ToString() },
            { "StoreId", Guid.NewGuid().ToString() },
            { "Status", "NEW" },
            { "CreatedAt", created },
            { "PickupTime", pickup },
            { "EstimatedDeliveryTime", pickup.AddMinutes(17) },
            { "Customer", new BsonDocument
                {
                    { "Name", "Ada Lovelace" },
                    { "Phone", "+44 20 7946 0958" },
                    { "PhoneCode", $"{_random.Next(100, 999)} {_random.Next(100, 999)} {_random.Next(100, 999)}" },
                    { "Email", $"customer{_random.Next(1, 100_000)}@example.com" },
                    { "CustomerId", Guid.NewGuid().ToString() },
                    { "OrderCount", _random.Next(1, 60) },
                }
            },
            { "Delivery", new BsonDocument
                {
                    { "Provider", "COURIER_NETWORK" },
                    { "CourierName", "Sam Courier" },
                    { "CourierPhone", "+44 20 7946 0018" },
                    { "VehicleType", "BICYCLE" },
                    { "Address", new BsonDocument
                        {
                            { "Line1", $"{_random.Next(1, 300)} High Street" },
                            { "Line2", $"Flat {_random.Next(1, 40)}" },
                            { "City", "London" },
                            { "PostalCode", "N1 9GU" },
                            { "Country", "GB" },
                            { "Latitude", 51.5 + _random.NextDouble() / 10 },
                            { "Longitude", -0.12 + _random.NextDouble() / 10 },
                        }
                    },
                    { "Instructions", "Ring the bell twice, leave at the door" },
                    { "DropoffOption", "LEAVE_AT_DOOR" },
                }
            },
            { "Payment", new BsonDocument
                {
                    { "Method", "CARD" },
                    { "Currency", "GBP" },
                    { "Subtotal", new BsonDecimal128(subtotal) },
                    { "Tax", new BsonDecimal128(tax) },
                    { "DeliveryFee", new BsonDecimal128(2.99m) },
                    { "ServiceFee", new BsonDecimal128(0.99m) },
                    { "Tip", new BsonDecimal128(tip) },
                    { "Discount", new BsonDecimal128(0m) },
                    { "Total", new BsonDecimal128(subtotal + tax + 2.99m + 0.99m + tip) },
                    { "TaxBreakdown", new BsonArray { new BsonDocument { { "Name", "VAT" }, { "Rate", 0.2 }, { "Amount", new BsonDecimal128(tax) } } } },
                }
            },
            { "StationOrders", stations },
            { "StatusHistory", new BsonArray
                {
                    new BsonDocument { { "Status", "RECEIVED" }, { "At", created }, { "By", "platform" } },
                    new BsonDocument { { "Status", "NEW" }, { "At", created.AddSeconds(2) }, { "By", "platform" } },
                }
            },
            { "Metadata", new BsonDocument
                {
                    { "PlatformVersion", "2026.11.3" },
                    { "TabletId", Guid.NewGuid().ToString() },
                    { "RawPayloadHash", Convert.ToHexString(Guid.NewGuid().ToByteArray()) },
                }
            },
        };
    }

    private BsonArray Modifiers()
    {
        var modifiers = new BsonArray();
        foreach (var (group, options) in s_modifiers.OrderBy(_ => _random.Next()).Take(_random.Next(0, 3)))
        {
            modifiers.Add(new BsonDocument
            {
                { "Id", Guid.NewGuid().ToString() },
                { "GroupName", group },
                { "Name", options[_random.Next(options.Length)] },
                { "Quantity", 1 },
                { "Price", new BsonDecimal128(group == "Extras" ? 1.5m : 0m) },
            });
        }

        return modifiers;
    }
}
