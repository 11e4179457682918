using Microsoft.Extensions.Configuration;

namespace Orbital.AppHost.Simulation;

/// <summary>
/// The simulated kitchen's brands and what each one's menu items are in the kitchen: several brands sell the same
/// patty, fries or wings under their own names, so the kitchen batches them together. The order simulator writes
/// these menus; the AppHost seeds the kitchen's production items and menu mappings from them when it runs.
/// </summary>
public static class SimulatedMenu
{
    /// <summary>A brand's menu item: its name, its station, and what it is cooked as (none: it is its own production item).</summary>
    public sealed record MenuItem(string Station, string Name, string? ProductionItem = null, int Multiplier = 1);

    /// <summary>A production item: where it cooks and how long it takes.</summary>
    public sealed record ProductionItem(string Name, string Station, TimeSpan PrepTime);

    public const string Grill = "Grill Station";
    public const string Fry = "Fry Station";
    public const string Bowl = "Bowl Station";
    public const string Pizza = "Pizza Station";

    public static IReadOnlyList<ProductionItem> ProductionItems { get; } =
    [
        new("Smash patty", Grill, TimeSpan.FromMinutes(6)),
        new("Chicken patty", Grill, TimeSpan.FromMinutes(9)),
        new("Fries", Fry, TimeSpan.FromMinutes(4)),
        new("Chicken wings (6)", Fry, TimeSpan.FromMinutes(10)),
    ];

    /// <summary>Prep times of the stations, for items without one of their own.</summary>
    public static IReadOnlyDictionary<string, TimeSpan> StationPrepTimes { get; } = new Dictionary<string, TimeSpan>
    {
        [Grill] = TimeSpan.FromMinutes(7),
        [Fry] = TimeSpan.FromMinutes(4),
        [Bowl] = TimeSpan.FromMinutes(5),
        [Pizza] = TimeSpan.FromMinutes(9),
    };

    public static IReadOnlyDictionary<string, IReadOnlyList<MenuItem>> Brands { get; } = new Dictionary<string, IReadOnlyList<MenuItem>>
    {
        ["Smash Club"] =
        [
            new(Grill, "Double Smash", "Smash patty", 2),
            new(Grill, "Classic Smash", "Smash patty"),
            new(Grill, "Hot Dog"),
            new(Fry, "Club Fries", "Fries"),
            new(Fry, "Onion Rings"),
        ],
        ["Wing Theory"] =
        [
            new(Fry, "6 Wings", "Chicken wings (6)"),
            new(Fry, "12 Wings", "Chicken wings (6)", 2),
            new(Fry, "Theory Fries", "Fries"),
            new(Grill, "Crispy Chicken Burger", "Chicken patty"),
        ],
        ["Green Fork"] =
        [
            new(Grill, "Veggie Burger"),
            new(Grill, "Grilled Chicken Burger", "Chicken patty"),
            new(Bowl, "Grain Bowl"),
            new(Bowl, "Caesar Salad"),
            new(Fry, "Sweet Potato Fries"),
        ],
        ["Bowl & Co"] =
        [
            new(Bowl, "Poke Bowl"),
            new(Bowl, "Burrito Bowl"),
            new(Fry, "Side Fries", "Fries"),
        ],
        ["Pizza Orbit"] =
        [
            new(Pizza, "Margherita"),
            new(Pizza, "Pepperoni"),
            new(Pizza, "Four Cheese"),
            new(Fry, "Garlic Knots"),
        ],
        ["Taco Lab"] =
        [
            new(Grill, "Smash Taco", "Smash patty"),
            new(Bowl, "Burrito Bowl"),
            new(Fry, "Loaded Fries", "Fries"),
        ],
    };

    /// <summary>
    /// The kitchen configuration that seeds the catalog with this menu (<c>Kitchen:Production</c>, as environment
    /// variables): production items, station prep times and every mapping. Seeds only add what the kitchen lacks.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> KitchenSeed()
    {
        foreach (var item in ProductionItems)
        {
            yield return new($"Kitchen__Production__Items__{item.Name}__Station", item.Station);
            yield return new($"Kitchen__Production__Items__{item.Name}__PrepTime", item.PrepTime.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var (station, prep) in StationPrepTimes)
        {
            yield return new($"Kitchen__Production__StationPrepTimes__{station}", prep.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        var index = 0;
        foreach (var (brand, menu) in Brands)
        {
            foreach (var item in menu.Where(i => i.ProductionItem is not null))
            {
                yield return new($"Kitchen__Production__Mappings__{index}__Brand", brand);
                yield return new($"Kitchen__Production__Mappings__{index}__Item", item.Name);
                yield return new($"Kitchen__Production__Mappings__{index}__ProductionItem", item.ProductionItem!);
                yield return new($"Kitchen__Production__Mappings__{index}__Multiplier", item.Multiplier.ToString(System.Globalization.CultureInfo.InvariantCulture));
                index++;
            }
        }
    }

    /// <summary>
    /// Seeds a kitchen run here (not a published one) with this menu's production items and mappings, so the
    /// simulator's orders batch across brands from the first <c>dotnet run</c>; <c>Orbital:Simulator:SampleMenu</c>
    /// = false leaves the kitchen's catalog empty.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSampleMenu(this IResourceBuilder<ProjectResource> kitchen)
    {
        ArgumentNullException.ThrowIfNull(kitchen);
        var builder = kitchen.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode || !builder.Configuration.GetValue(SampleMenuKey, defaultValue: true))
        {
            return kitchen;
        }

        return kitchen.WithEnvironment(context =>
        {
            foreach (var (key, value) in KitchenSeed())
            {
                context.EnvironmentVariables[key] = value;
            }
        });
    }

    /// <summary>Whether a kitchen run by the AppHost is seeded with the sample menu (default true).</summary>
    public const string SampleMenuKey = "Orbital:Simulator:SampleMenu";
}
