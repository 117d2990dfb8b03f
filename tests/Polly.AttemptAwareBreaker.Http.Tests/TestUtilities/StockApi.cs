namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>A typed client (its HttpClient is named "StockApi").</summary>
internal sealed class StockApi(HttpClient http)
{
    public Task<HttpResponseMessage> GetAsync(CancellationToken cancellationToken) => http.GetAsync("/", cancellationToken);
}
