using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.ExceptionSummarization;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// The telemetry services Microsoft's <c>AddResilienceHandler</c> registers as a side effect, which the attempt-aware handler (built without
/// it, so that every client has its own circuit) registers itself: the exception summarizer with its HTTP provider, and the
/// <c>error.type</c> tag on Polly's metric events of HTTP outcomes.
/// </summary>
internal static class HttpTelemetryServices
{
    /// <summary>Registers the services; called once per service collection, by the first <c>AddAttemptAwareResilienceHandler</c>.</summary>
    public static void Add(IServiceCollection services)
    {
        // TryAdd inside: with Microsoft's handler on another client there is still one summarizer and one HTTP provider.
        services.AddExceptionSummarizer(summarizer => summarizer.AddHttpProvider());

        // After every Configure (Microsoft's handler adds its enricher in one), so this one runs last and sees the tag of any other.
        services.PostConfigure<TelemetryOptions>(options => options.MeteringEnrichers.Add(HttpStatusCodeMeteringEnricher.Instance));
    }
}
