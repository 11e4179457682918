using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Devices;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Idempotency;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Production;

/// <summary>
/// The production catalog, managed with the manager key: production items (station, prep time) and the mappings of
/// brands' menu items to them. A change moves the open demand it concerns at once, and screens are told.
/// </summary>
public static class ProductionApi
{
    public static IEndpointRouteBuilder MapProductionApi(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/api/production-items").WithTags("Production").RequireAuthorization(DevicesApi.ManagerPolicy);
        items.MapGet("/", GetProductionItems)
            .WithName("GetProductionItems")
            .WithSummary("Lists the production items: those in the catalog and those open demand has without a description, with their prep times and the menu items mapped to them. Needs the manager key.");
        items.MapPut("/{name}", PutProductionItem).RequireRateLimiting(KitchenRateLimits.Writes).WithIdempotency()
            .WithName("PutProductionItem")
            .WithSummary("Creates or changes a production item: its station and prep time (seconds; null: the station's default). Open demand moves to the station at once. Needs the manager key.");

        var mappings = app.MapGroup("/api/menu-mappings").WithTags("Production").RequireAuthorization(DevicesApi.ManagerPolicy);
        mappings.MapGet("/", GetMenuMappings)
            .WithName("GetMenuMappings")
            .WithSummary("Lists the menu mappings: which brand's menu item is how many of which production item. Needs the manager key.");
        mappings.MapPut("/", PutMenuMapping).RequireRateLimiting(KitchenRateLimits.Writes).WithIdempotency()
            .WithName("PutMenuMapping")
            .WithSummary("Creates or changes the mapping of a brand's menu item (brand and item matched without case). Open demand it concerns moves at once. Needs the manager key.");
        mappings.MapDelete("/", DeleteMenuMapping).RequireRateLimiting(KitchenRateLimits.Writes).WithIdempotency()
            .WithName("DeleteMenuMapping")
            .WithSummary("Removes the mapping of ?brand=&item=: the menu item is its own production item again. Needs the manager key.");
        return app;
    }

    public static async Task<Ok<List<ProductionItemView>>> GetProductionItems(KitchenDbContext db, ProductionCatalog catalog, IOptions<KitchenProductionOptions> options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        var described = await db.ProductionItems.AsNoTracking().ToListAsync(cancellationToken);
        var mappings = await db.MenuMappings.AsNoTracking().ToListAsync(cancellationToken);
        var open = await db.BatchItems.AsNoTracking()
            .Where(b => b.OpenQuantity > 0)
            .GroupBy(b => new { b.Station, b.ItemName })
            .Select(g => new { g.Key.Station, g.Key.ItemName, Open = g.Sum(b => b.OpenQuantity) })
            .ToListAsync(cancellationToken);

        var views = described.Select(p => View(
                catalog,
                options.Value,
                p.Name,
                p.Station,
                p.PrepTime is not null,
                described: true,
                [.. mappings.Where(m => string.Equals(m.ProductionItem, p.Name, StringComparison.OrdinalIgnoreCase)).Select(MenuMappingView.From)],
                open.Where(o => o.Station == p.Station && string.Equals(o.ItemName, p.Name, StringComparison.OrdinalIgnoreCase)).Sum(o => o.Open)))
            .ToList();
        views.AddRange(open
            .Where(o => !described.Any(p => p.Station == o.Station && string.Equals(p.Name, o.ItemName, StringComparison.OrdinalIgnoreCase)))
            .Select(o => View(
                catalog,
                options.Value,
                o.ItemName,
                o.Station,
                hasOwnPrepTime: false,
                described: false,
                [.. mappings.Where(m => string.Equals(m.ProductionItem, o.ItemName, StringComparison.OrdinalIgnoreCase)).Select(MenuMappingView.From)],
                o.Open)));
        return TypedResults.Ok(views.OrderBy(v => v.Station, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList());
    }

    public static async Task<Results<Ok<CatalogChangeView<ProductionItemView>>, ValidationProblem>> PutProductionItem(
        string name,
        ProductionItemRequest request,
        ProductionService production,
        ProductionCatalog catalog,
        IOptions<KitchenProductionOptions> options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(production);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        if (request.Validate(name) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var prep = request.PrepSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var (item, moved) = await production.PutItemAsync(name.Trim(), request.Station!.Trim(), prep, cancellationToken);
        var view = View(
            catalog,
            options.Value,
            item.Name,
            item.Station,
            item.PrepTime is not null,
            described: true,
            [.. catalog.Current.Mappings.Where(m => string.Equals(m.ProductionItem, item.Name, StringComparison.OrdinalIgnoreCase)).Select(MenuMappingView.From)],
            openQuantity: 0);
        return TypedResults.Ok(new CatalogChangeView<ProductionItemView>(view, moved));
    }

    public static async Task<Ok<List<MenuMappingView>>> GetMenuMappings(KitchenDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var mappings = await db.MenuMappings.AsNoTracking().OrderBy(m => m.Brand).ThenBy(m => m.Item).ToListAsync(cancellationToken);
        return TypedResults.Ok(mappings.Select(MenuMappingView.From).ToList());
    }

    public static async Task<Results<Ok<CatalogChangeView<MenuMappingView>>, ValidationProblem>> PutMenuMapping(
        MenuMappingRequest request,
        ProductionService production,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(production);
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (mapping, moved) = await production.PutMappingAsync(request.Brand!.Trim(), request.Item!.Trim(), request.ProductionItem!.Trim(), request.Multiplier ?? 1, cancellationToken);
        return TypedResults.Ok(new CatalogChangeView<MenuMappingView>(MenuMappingView.From(mapping), moved));
    }

    public static async Task<Results<Ok<CatalogChangeView<string>>, ValidationProblem, ProblemHttpResult>> DeleteMenuMapping(
        string? brand,
        string? item,
        ProductionService production,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(production);
        var errors = new Dictionary<string, string[]>();
        if (Names.Invalid(brand) is { } brandError)
        {
            errors["brand"] = [brandError];
        }

        if (Names.Invalid(item) is { } itemError)
        {
            errors["item"] = [itemError];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (found, moved) = await production.DeleteMappingAsync(brand!.Trim(), item!.Trim(), cancellationToken);
        return found
            ? TypedResults.Ok(new CatalogChangeView<string>($"'{item!.Trim()}' of {brand!.Trim()} is its own production item again.", moved))
            : ApiProblems.NotFound($"No mapping for '{item!.Trim()}' of {brand!.Trim()}. GET /api/menu-mappings lists them.");
    }

    /// <summary>A production item as the API shows it: the prep time fire times use, and the configured and learned ones beside it.</summary>
    private static ProductionItemView View(
        ProductionCatalog catalog,
        KitchenProductionOptions options,
        string name,
        string station,
        bool hasOwnPrepTime,
        bool described,
        IReadOnlyList<MenuMappingView> mappedFrom,
        int openQuantity)
    {
        var fires = catalog.PrepSecondsOf(station, name);
        var configured = (int)catalog.ConfiguredPrepTimeOf(station, name).TotalSeconds;
        var learned = catalog.LearnedOf(station, name);
        var source = learned is not null && fires == learned.Seconds && fires != configured ? "learned"
            : hasOwnPrepTime ? "item"
            : Source(options, station);
        return new ProductionItemView(name, station, fires, source, described, mappedFrom, openQuantity, configured, learned?.Seconds, learned?.Samples ?? 0);
    }

    private static string Source(KitchenProductionOptions options, string station)
        => options.StationPrepTimes.ContainsKey(station) ? "station" : "default";
}
