using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Orbital.ServiceDefaults.Telemetry;

/// <summary>
/// Keeps the trace list about work: a root span of kind <see cref="ActivityKind.Client"/> (a call that nothing the
/// service was doing asked for, such as a change stream's <c>getMore</c> awaiting changes, a quiet checkpoint or the
/// event stream's poll of its table) is not recorded. Calls made inside a trace (an order's intake, its checkpoint)
/// are, since they have a parent. Wrapped in a parent-based sampler, so a caller's decision carries over.
/// </summary>
public sealed class BackgroundCallSampler : Sampler
{
    public BackgroundCallSampler() => Description = nameof(BackgroundCallSampler);

    /// <summary>The sampler every Orbital service uses: background calls left out unless <paramref name="traceBackgroundCalls"/>.</summary>
    public static Sampler For(bool traceBackgroundCalls)
        => new ParentBasedSampler(traceBackgroundCalls ? new AlwaysOnSampler() : new BackgroundCallSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
        => samplingParameters.Kind == ActivityKind.Client
            ? new SamplingResult(SamplingDecision.Drop)
            : new SamplingResult(SamplingDecision.RecordAndSample);
}
