using System.Net;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Http.Tests.Telemetry;

public class HttpStatusCodeMeteringEnricherTests
{
    private const string ErrorType = "error.type";

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "503")]
    [InlineData(HttpStatusCode.OK, "200")]
    [InlineData((HttpStatusCode)999, "999")]
    public void Enrich_HttpResponse_AddsErrorTypeWithTheStatusCodeNumber(HttpStatusCode status, string expected)
    {
        using var response = new HttpResponseMessage(status);

        var tags = Enrich<HttpResponseMessage>(Outcome.FromResult(response));

        Assert.Equal([new(ErrorType, expected)], tags);
    }

    [Fact]
    public void Enrich_Exception_AddsNothing()
    {
        var tags = Enrich<HttpResponseMessage>(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused")));

        Assert.Empty(tags);
    }

    [Fact]
    public void Enrich_NoOutcome_AddsNothing()
    {
        var tags = Enrich<HttpResponseMessage>(outcome: null);

        Assert.Empty(tags);
    }

    [Fact]
    public void Enrich_ResultOfAnotherType_AddsNothing()
    {
        var tags = Enrich<string>(Outcome.FromResult("503"));

        Assert.Empty(tags);
    }

    [Fact]
    public void Enrich_ErrorTypeAlreadyTagged_KeepsTheOneTag()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        var tags = Enrich<HttpResponseMessage>(Outcome.FromResult(response), new KeyValuePair<string, object?>(ErrorType, "from another enricher"));

        Assert.Equal([new(ErrorType, "from another enricher")], tags);
    }

    [Fact]
    public void TextOf_SameStatusTwice_ReturnsTheSameString()
    {
        Assert.Same(HttpStatusCodeMeteringEnricher.TextOf(HttpStatusCode.TooManyRequests), HttpStatusCodeMeteringEnricher.TextOf(HttpStatusCode.TooManyRequests));
    }

    private static List<KeyValuePair<string, object?>> Enrich<TResult>(Outcome<TResult>? outcome, params KeyValuePair<string, object?>[] existing)
    {
        var tags = new List<KeyValuePair<string, object?>>(existing);
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        try
        {
            var args = new TelemetryEventArguments<TResult, string>(
                new ResilienceTelemetrySource("pipeline", "instance", "strategy"),
                new ResilienceEvent(ResilienceEventSeverity.Warning, "OnRetry"),
                context,
                "arguments",
                outcome);
            HttpStatusCodeMeteringEnricher.Instance.Enrich(new EnrichmentContext<TResult, string>(in args, tags));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return tags;
    }
}
