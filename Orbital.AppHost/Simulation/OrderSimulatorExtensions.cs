using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orbital.AppHost.Simulation;

/// <summary>
/// The dashboard's order commands on the orders database, whatever runs it (container, local <c>mongod</c>, a
/// connection string, the emulator): place one sample order, start or stop the order simulator. The simulator also
/// starts by itself when <c>Orbital:Simulator:OrdersPerMinute</c> is above 0, for scripts and tests.
/// </summary>
public static class OrderSimulatorExtensions
{
    /// <summary>Orders a minute the simulator writes from the start; 0 (the default): it waits for the dashboard.</summary>
    public const string RateKey = "Orbital:Simulator:OrdersPerMinute";

    private const int DashboardRate = 12;
    private const string StatusProperty = "Order simulator";

    public static IResourceBuilder<T> WithOrderSimulator<T>(this IResourceBuilder<T> orders)
        where T : IResourceWithConnectionString
    {
        ArgumentNullException.ThrowIfNull(orders);
        var configuredRate = orders.ApplicationBuilder.Configuration.GetValue(RateKey, 0);
        orders.ApplicationBuilder.Services.AddSingleton(sp => new OrderSimulator(orders.Resource, sp.GetRequiredService<ResourceLoggerService>().GetLogger(orders.Resource)));
        orders.ApplicationBuilder.Services.AddHostedService(sp => new SimulatorLifetime(sp.GetRequiredService<OrderSimulator>(), configuredRate));

        return orders
            .WithCommand(
                "place-sample-order",
                "Place sample order",
                async context =>
                {
                    var orderId = await context.Services.GetRequiredService<OrderSimulator>().PlaceAsync(context.CancellationToken);
                    return CommandResults.Success($"Placed order {orderId}.");
                },
                new CommandOptions { Description = "Writes one realistic order, as the ordering platform would.", IconName = "Add" })
            .WithCommand(
                "start-order-simulator",
                "Start order simulator",
                async context =>
                {
                    var rate = await AskRateAsync(context);
                    if (rate is null)
                    {
                        return CommandResults.Canceled();
                    }

                    var simulator = context.Services.GetRequiredService<OrderSimulator>();
                    simulator.Start(rate.Value);
                    await ShowAsync(context, simulator);
                    return CommandResults.Success($"The simulator writes {rate} orders a minute.");
                },
                new CommandOptions
                {
                    Description = "Writes orders from several brands to all stations at a steady rate.",
                    IconName = "Play",
                    UpdateState = context => context.Services.GetRequiredService<OrderSimulator>().OrdersPerMinute is null
                        ? ResourceCommandState.Enabled
                        : ResourceCommandState.Disabled,
                })
            .WithCommand(
                "stop-order-simulator",
                "Stop order simulator",
                async context =>
                {
                    var simulator = context.Services.GetRequiredService<OrderSimulator>();
                    simulator.Stop();
                    await ShowAsync(context, simulator);
                    return CommandResults.Success();
                },
                new CommandOptions
                {
                    IconName = "Stop",
                    UpdateState = context => context.Services.GetRequiredService<OrderSimulator>().OrdersPerMinute is null
                        ? ResourceCommandState.Disabled
                        : ResourceCommandState.Enabled,
                });
    }

#pragma warning disable ASPIREINTERACTION001 // The dashboard's prompt is how the rate is asked for.
    private static async Task<int?> AskRateAsync(ExecuteCommandContext context)
    {
        var interaction = context.Services.GetRequiredService<IInteractionService>();
        if (!interaction.IsAvailable)
        {
            return DashboardRate;
        }

        var input = new InteractionInput
        {
            Name = "rate",
            Label = "Orders a minute",
            InputType = InputType.Number,
            Required = true,
            Value = DashboardRate.ToString(CultureInfo.InvariantCulture),
        };
        var answer = await interaction.PromptInputAsync("Start the order simulator", "How many orders a minute should the simulated platform write?", input, cancellationToken: context.CancellationToken);
        return !answer.Canceled && int.TryParse(answer.Data?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate > 0
            ? Math.Min(rate, 6_000)
            : null;
    }
#pragma warning restore ASPIREINTERACTION001

    /// <summary>Shows whether the simulator runs on the resource (which also refreshes the commands' states).</summary>
    private static Task ShowAsync(ExecuteCommandContext context, OrderSimulator simulator)
    {
        var model = context.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = model.Resources.Single(r => r.Name == context.ResourceName);
        var status = simulator.OrdersPerMinute is { } rate ? $"{rate} orders a minute" : "stopped";
        return context.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(
            resource,
            s => s with { Properties = [.. s.Properties.Where(p => p.Name != StatusProperty), new(StatusProperty, status)] });
    }

    /// <summary>Starts the simulator with the app when configured to, and stops it with the app.</summary>
    private sealed class SimulatorLifetime(OrderSimulator simulator, int ordersPerMinute) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (ordersPerMinute > 0)
            {
                simulator.Start(ordersPerMinute);
            }

            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken) => await simulator.DisposeAsync();
    }
}
