using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orbital.AppHost.Hosting;

/// <summary>
/// Pairing from the dashboard: <b>Pair a screen</b> and <b>Pair a manager device</b> on the kitchen ask for a name
/// (and a screen's station), create a pairing code with the manager key, and show it with where to enter it: the
/// board (<c>/</c>) for a screen, the manager page (<c>/manager</c>) for a manager device. Without the dashboard
/// (tests, the CLI) the code is in the command's result message. Enabled while the kitchen runs.
/// </summary>
public static class KitchenPairingExtensions
{
    // The kitchen's limit on device names (OrderLimits.MaxNameLength).
    private const int MaxNameLength = 200;
    private const string NameInput = "name";
    private const string StationInput = "station";

    private static readonly DeviceKind s_screen = new(
        "screen",
        "Pair a screen",
        "Station board",
        BoardPath: "",
        AsksStation: true,
        "A screen acts on one station, or on every station when none is chosen.");

    private static readonly DeviceKind s_managerDevice = new(
        "manager",
        "Pair a manager device",
        "Manager tablet",
        BoardPath: "manager",
        AsksStation: false,
        "A manager device opens the manager page (the kitchen's analytics) and may work every station's board; it manages nothing.");

    public static IResourceBuilder<ProjectResource> WithPairingCommands(this IResourceBuilder<ProjectResource> kitchen, IResourceBuilder<ParameterResource> managerKey)
    {
        ArgumentNullException.ThrowIfNull(kitchen);
        ArgumentNullException.ThrowIfNull(managerKey);
        kitchen.ApplicationBuilder.Services.TryAddSingleton(_ => new KitchenClient(kitchen.Resource, managerKey.Resource));

        return kitchen
            .WithCommand(
                "pair-screen",
                s_screen.Title,
                context => PairAsync(context, s_screen),
                new CommandOptions
                {
                    Description = "Creates a pairing code to enter on a station board.",
                    IconName = "Desktop",
                    UpdateState = WhileRunning,
                })
            .WithCommand(
                "pair-manager-device",
                s_managerDevice.Title,
                context => PairAsync(context, s_managerDevice),
                new CommandOptions
                {
                    Description = "Creates a pairing code to enter on the manager page.",
                    IconName = "Tablet",
                    UpdateState = WhileRunning,
                });
    }

    private static ResourceCommandState WhileRunning(UpdateCommandStateContext context)
        => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

#pragma warning disable ASPIREINTERACTION001 // The dashboard's prompt and message box are how the device is described and the code shown.
    private static async Task<ExecuteCommandResult> PairAsync(ExecuteCommandContext context, DeviceKind kind)
    {
        var kitchen = context.Services.GetRequiredService<KitchenClient>();
        var interaction = context.Services.GetRequiredService<IInteractionService>();
        var cancellationToken = context.CancellationToken;
        try
        {
            (string Name, string? Station)? device = interaction.IsAvailable ? await AskAsync(interaction, kitchen, kind, cancellationToken) : (kind.DefaultName, null);
            if (device is not { } chosen)
            {
                return CommandResults.Canceled();
            }

            var (name, station) = chosen;

            var answer = await kitchen.CreatePairingCodeAsync(name, station, kind.Role, cancellationToken);
            if (answer.Value is not { } code)
            {
                return CommandResults.Failure(answer.Problem?.ToString() ?? "The kitchen answered without a pairing code.");
            }

            var where = new Uri(await kitchen.BaseAddressAsync(cancellationToken), kind.BoardPath);
            var expires = code.ExpiresAt.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture);
            var minutes = Math.Max(1, (int)Math.Round((code.ExpiresAt - DateTimeOffset.UtcNow).TotalMinutes));
            var scope = station is null ? (kind.AsksStation ? "every station" : "the whole kitchen") : station;
            if (interaction.IsAvailable)
            {
                var message = $"""
                    ## {code.Code}

                    Enter this code at [{where}]({where}) before **{expires}** (in {minutes} min). It pairs one device, "{name}", for {scope}, and works once.
                    """;
                await interaction.PromptMessageBoxAsync(
                    kind.Title,
                    message,
                    new MessageBoxInteractionOptions { Intent = MessageIntent.Success, EnableMessageMarkdown = true, PrimaryButtonText = "Done" },
                    cancellationToken);
            }

            return CommandResults.Success($"Pairing code {code.Code} for \"{name}\" ({scope}): enter it at {where} before {expires} (in {minutes} min).");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return CommandResults.Failure($"The kitchen did not answer ({ex.Message}); try again once it is healthy.");
        }
    }

    /// <summary>The device's name and station (null: every station), as the user gives them; null when canceled.</summary>
    private static async Task<(string Name, string? Station)?> AskAsync(IInteractionService interaction, KitchenClient kitchen, DeviceKind kind, CancellationToken cancellationToken)
    {
        List<InteractionInput> inputs =
        [
            new()
            {
                Name = NameInput,
                Label = "Name",
                Description = "How the device is listed among the kitchen's devices.",
                InputType = InputType.Text,
                Required = true,
                Value = kind.DefaultName,
                MaxLength = MaxNameLength,
            },
        ];
        if (kind.AsksStation)
        {
            inputs.Add(StationChoice(await StationsAsync(kitchen, cancellationToken)));
        }

        var answer = await interaction.PromptInputsAsync(kind.Title, kind.Prompt, inputs, cancellationToken: cancellationToken);
        if (answer.Canceled)
        {
            return null;
        }

        var name = answer.Data[NameInput].Value?.Trim();
        var station = kind.AsksStation ? answer.Data[StationInput].Value?.Trim() : null;
        return (string.IsNullOrEmpty(name) ? kind.DefaultName : name, string.IsNullOrEmpty(station) ? null : station);
    }

    /// <summary>A choice of the stations the kitchen knows (another may be typed); free text when it knows none yet.</summary>
    private static InteractionInput StationChoice(IReadOnlyList<string> stations) => new()
    {
        Name = StationInput,
        Label = "Station",
        Description = "Leave empty for a screen that shows every station.",
        InputType = stations.Count > 0 ? InputType.Choice : InputType.Text,
        Options = [.. stations.Select(s => KeyValuePair.Create(s, s))],
        AllowCustomChoice = true,
        Required = false,
        Placeholder = "Every station",
        MaxLength = MaxNameLength,
    };
#pragma warning restore ASPIREINTERACTION001

    /// <summary>The stations with batch items and those of the production catalog, by name.</summary>
    private static async Task<IReadOnlyList<string>> StationsAsync(KitchenClient kitchen, CancellationToken cancellationToken)
    {
        var stations = await kitchen.StationsAsync(cancellationToken);
        var items = await kitchen.ProductionItemsAsync(cancellationToken);
        return [.. (stations.Value ?? []).Select(s => s.Station)
            .Concat((items.Value ?? []).Select(i => i.Station))
            .Where(s => !string.IsNullOrWhiteSpace(s))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>A kind of device: its role, its command's title, its default name, and where it enters its code.</summary>
    private sealed record DeviceKind(string Role, string Title, string DefaultName, string BoardPath, bool AsksStation, string Prompt);
}
