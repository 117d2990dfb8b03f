using System.Net;
using Polly.Timeout;

namespace Polly.AttemptAwareBreaker.Http.Tests.Classification;

public class HttpOutcomeClassifiersTests
{
    [Theory]
    [InlineData(200, OutcomeClass.Success)]
    [InlineData(302, OutcomeClass.Success)]
    [InlineData(400, OutcomeClass.Ignored)]
    [InlineData(401, OutcomeClass.Ignored)]
    [InlineData(404, OutcomeClass.Ignored)]
    [InlineData(409, OutcomeClass.Ignored)]
    [InlineData(408, OutcomeClass.TransientFailure)]
    [InlineData(429, OutcomeClass.TransientFailure)]
    [InlineData(500, OutcomeClass.TransientFailure)]
    [InlineData(502, OutcomeClass.TransientFailure)]
    [InlineData(503, OutcomeClass.TransientFailure)]
    [InlineData(504, OutcomeClass.TransientFailure)]
    [InlineData(599, OutcomeClass.TransientFailure)]
    [InlineData(501, OutcomeClass.PermanentFailure)]
    [InlineData(505, OutcomeClass.PermanentFailure)]
    public async Task Default_StatusCode_HasTheDocumentedClass(int status, OutcomeClass expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        Assert.Equal(expected, await Classify(Outcome.FromResult(response)));
    }

    [Fact]
    public async Task Default_HttpRequestException_IsTransient()
        => Assert.Equal(OutcomeClass.TransientFailure, await Classify(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused"))));

    [Fact]
    public async Task Default_AttemptTimeout_IsTransient()
        => Assert.Equal(OutcomeClass.TransientFailure, await Classify(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));

    [Fact]
    public async Task Default_CallerCancellation_IsIgnored()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await Classify(Outcome.FromException<HttpResponseMessage>(new OperationCanceledException(cancelled.Token)), cancelled.Token);

        Assert.Equal(OutcomeClass.Ignored, result);
    }

    [Fact]
    public async Task Default_ExceptionFromTheCallingCode_IsIgnored()
        => Assert.Equal(OutcomeClass.Ignored, await Classify(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException("bad request URI"))));

    [Fact]
    public async Task WithOverrides_OverrideReturnsClass_WinsOverDefault()
    {
        var classifier = HttpOutcomeClassifiers.WithOverrides(o => o.Result?.StatusCode == HttpStatusCode.NotFound ? OutcomeClass.TransientFailure : null);
        using var notFound = new HttpResponseMessage(HttpStatusCode.NotFound);

        Assert.Equal(OutcomeClass.TransientFailure, await Classify(Outcome.FromResult(notFound), classifier: classifier));
    }

    [Fact]
    public async Task WithOverrides_OverrideReturnsNull_FallsBackToDefault()
    {
        var classifier = HttpOutcomeClassifiers.WithOverrides(_ => null);
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(OutcomeClass.TransientFailure, await Classify(Outcome.FromResult(unavailable), classifier: classifier));
    }

    private static async Task<OutcomeClass> Classify(
        Outcome<HttpResponseMessage> outcome,
        CancellationToken token = default,
        Func<OutcomeClassifierArguments<HttpResponseMessage>, ValueTask<OutcomeClass>>? classifier = null)
    {
        var context = ResilienceContextPool.Shared.Get(token);
        try
        {
            return await (classifier ?? HttpOutcomeClassifiers.Default)(new OutcomeClassifierArguments<HttpResponseMessage>(context, outcome, 0));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
