using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orbital.ServiceDefaults.Telemetry;

namespace Orbital.Tests.ServiceDefaults;

/// <summary>
/// The trace list stays about work: a call that no trace asked for (a change stream's getMore, a poll of the events
/// table) is not recorded, the same call inside an order's trace is, and configuration brings the polling back.
/// </summary>
public sealed class BackgroundCallSamplerTests
{
    private readonly ActivitySource _source = new($"Orbital.Tests.Sampler.{Guid.NewGuid():N}");

    [Fact]
    public void A_client_call_outside_any_trace_is_left_out_and_the_same_call_inside_one_is_recorded()
    {
        var spans = Record(traceBackgroundCalls: false, () =>
        {
            using (_source.StartActivity("getMore orders", ActivityKind.Client))
            {
            }

            using (_source.StartActivity("order otter-1", ActivityKind.Consumer))
            using (_source.StartActivity("update checkpoints", ActivityKind.Client))
            {
            }

            using (_source.StartActivity("dispatch events to screens", ActivityKind.Producer))
            {
            }
        });

        Assert.Equal(["update checkpoints", "order otter-1", "dispatch events to screens"], spans);
    }

    [Fact]
    public void With_background_calls_traced_polling_is_recorded_too()
    {
        var spans = Record(traceBackgroundCalls: true, () =>
        {
            using (_source.StartActivity("getMore orders", ActivityKind.Client))
            {
            }
        });

        Assert.Equal(["getMore orders"], spans);
    }

    private List<string> Record(bool traceBackgroundCalls, Action work)
    {
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder()
            .SetSampler(BackgroundCallSampler.For(traceBackgroundCalls))
            .AddSource(_source.Name)
            .AddInMemoryExporter(exported)
            .Build())
        {
            work();
        }

        return [.. exported.Select(a => a.DisplayName)];
    }
}
