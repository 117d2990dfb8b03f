using System.Globalization;
using System.Net;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Tags Polly's metric events whose outcome is an <see cref="HttpResponseMessage"/> with <c>error.type</c> set to the status code as a
/// number (<c>"503"</c>), the tag Microsoft's resilience handler puts on them, so that dashboards and alerts built on it keep working after
/// a switch to the attempt-aware handler. Events with an exception, or with results of other types, are left alone (Polly tags exceptions
/// with <c>exception.type</c>).
/// </summary>
/// <remarks>
/// Added after every other enricher, it leaves an event that already has the tag as it is: an application that also uses Microsoft's
/// handler on some client (whose enricher tags the events of every pipeline) or tags the events itself gets one <c>error.type</c> per
/// event, not two.
/// </remarks>
internal sealed class HttpStatusCodeMeteringEnricher : MeteringEnricher
{
    public const string ErrorTypeTag = "error.type";

    // HttpResponseMessage accepts status codes 0 to 999: each one's text is made once, on first use, and shared (a race only makes it twice).
    private const int StatusCodeLimit = 1000;
    private static readonly string?[] StatusCodeTexts = new string?[StatusCodeLimit];

    private HttpStatusCodeMeteringEnricher()
    {
    }

    public static HttpStatusCodeMeteringEnricher Instance { get; } = new();

    public override void Enrich<TResult, TArgs>(in EnrichmentContext<TResult, TArgs> context)
    {
        if (typeof(TResult) != typeof(HttpResponseMessage)
            || context.TelemetryEvent.Outcome is not { Result: HttpResponseMessage response }
            || HasErrorType(context.Tags))
        {
            return;
        }

        context.Tags.Add(new(ErrorTypeTag, TextOf(response.StatusCode)));
    }

    internal static string TextOf(HttpStatusCode statusCode)
    {
        var code = (int)statusCode;
        if ((uint)code >= StatusCodeLimit)
        {
            return code.ToString(CultureInfo.InvariantCulture);
        }

        return StatusCodeTexts[code] ??= code.ToString(CultureInfo.InvariantCulture);
    }

    private static bool HasErrorType(IList<KeyValuePair<string, object?>> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (string.Equals(tags[i].Key, ErrorTypeTag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
