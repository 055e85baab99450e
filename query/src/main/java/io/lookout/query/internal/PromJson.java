package io.lookout.query.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.query.ApiResponses.DataWriter;
import io.lookout.query.promql.eval.FloatHistogram;
import io.lookout.query.promql.eval.Format;
import io.lookout.query.promql.eval.Matrix;
import io.lookout.query.promql.eval.Scalar;
import io.lookout.query.promql.eval.StringValue;
import io.lookout.query.promql.eval.Value;
import io.lookout.query.promql.eval.Vector;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** JSON of the Prometheus HTTP API, field for field as Prometheus writes it. */
public final class PromJson {
  private PromJson() {}

  /** {@code {"status":"success","data":...,"warnings":[...]}}, warnings only when there are some. */
  public static Buffer success(DataWriter data, List<String> warnings) {
    return Json.render(g -> {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeFieldName("data");
      data.write(g);
      if (!warnings.isEmpty()) {
        g.writeArrayFieldStart("warnings");
        for (String w : warnings) {
          g.writeString(w);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    });
  }

  /** {@code {"resultType":"vector","result":[...]}} and the other result types. */
  public static DataWriter queryData(Value v) {
    return g -> {
      g.writeStartObject();
      switch (v) {
        case Scalar s -> {
          g.writeStringField("resultType", "scalar");
          g.writeFieldName("result");
          point(g, s.timestampMillis(), Format.value(s.value()));
        }
        case StringValue s -> {
          g.writeStringField("resultType", "string");
          g.writeFieldName("result");
          point(g, s.timestampMillis(), s.value());
        }
        case Vector vec -> {
          g.writeStringField("resultType", "vector");
          g.writeArrayFieldStart("result");
          for (Vector.Element e : vec.elements()) {
            g.writeStartObject();
            metric(g, e.labels());
            if (e.histogram() != null) {
              g.writeFieldName("histogram");
              histogramPoint(g, vec.timestampMillis(), e.histogram());
            } else {
              g.writeFieldName("value");
              point(g, vec.timestampMillis(), Format.value(e.value()));
            }
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        case Matrix m -> {
          g.writeStringField("resultType", "matrix");
          g.writeArrayFieldStart("result");
          for (Matrix.Series s : m.series()) {
            g.writeStartObject();
            metric(g, s.labels());
            if (s.size() > 0 || s.histograms().isEmpty()) {
              g.writeArrayFieldStart("values");
              for (int i = 0; i < s.size(); i++) {
                point(g, s.timestamps()[i], Format.value(s.values()[i]));
              }
              g.writeEndArray();
            }
            if (!s.histograms().isEmpty()) {
              g.writeArrayFieldStart("histograms");
              for (int i = 0; i < s.histograms().size(); i++) {
                histogramPoint(g, s.histogramTimestamps()[i], s.histograms().get(i));
              }
              g.writeEndArray();
            }
            g.writeEndObject();
          }
          g.writeEndArray();
        }
      }
      g.writeEndObject();
    };
  }

  private static void point(JsonGenerator g, long millis, String value) throws IOException {
    g.writeStartArray();
    g.writeNumber(Format.seconds(millis));
    g.writeString(value);
    g.writeEndArray();
  }

  /**
   * {@code [ts, {"count":"..","sum":"..","buckets":[[rule,"lower","upper","count"],...]}]}, empty
   * buckets left out and no {@code buckets} field when none has a count, as Prometheus writes it.
   */
  private static void histogramPoint(JsonGenerator g, long millis, FloatHistogram h) throws IOException {
    g.writeStartArray();
    g.writeNumber(Format.seconds(millis));
    g.writeStartObject();
    g.writeStringField("count", Format.value(h.count()));
    g.writeStringField("sum", Format.value(h.sum()));
    List<FloatHistogram.Bucket> buckets = h.buckets(false);
    if (!buckets.isEmpty()) {
      g.writeArrayFieldStart("buckets");
      for (FloatHistogram.Bucket b : buckets) {
        g.writeStartArray();
        g.writeNumber(b.boundaryRule());
        g.writeString(Format.value(b.lower()));
        g.writeString(Format.value(b.upper()));
        g.writeString(Format.value(b.count()));
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndArray();
  }

  private static void metric(JsonGenerator g, Labels labels) throws IOException {
    g.writeFieldName("metric");
    labelSet(g, labels);
  }

  private static void labelSet(JsonGenerator g, Labels labels) throws IOException {
    g.writeStartObject();
    for (Labels.Label l : labels.list()) {
      g.writeStringField(l.name(), l.value());
    }
    g.writeEndObject();
  }

  /** {@code [{"__name__":"up","job":"api"}, ...]}. */
  public static DataWriter series(List<Labels> series) {
    return g -> {
      g.writeStartArray();
      for (Labels l : series) {
        labelSet(g, l);
      }
      g.writeEndArray();
    };
  }

  /**
   * {@code [{"seriesLabels":{...},"exemplars":[{"labels":{"trace_id":".."},"value":"6",
   * "timestamp":1600096945.479}]}]}, as Prometheus.
   */
  public static DataWriter exemplars(List<SeriesExemplars> found) {
    return g -> {
      g.writeStartArray();
      for (SeriesExemplars se : found) {
        g.writeStartObject();
        g.writeFieldName("seriesLabels");
        labelSet(g, se.seriesLabels());
        g.writeArrayFieldStart("exemplars");
        for (Exemplar e : se.exemplars()) {
          g.writeStartObject();
          g.writeFieldName("labels");
          labelSet(g, e.labels());
          g.writeStringField("value", Format.value(e.value()));
          g.writeFieldName("timestamp");
          g.writeNumber(Format.seconds(e.timestampMillis()));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    };
  }

  /** {@code {"http_requests_total":[{"type":"counter","help":"...","unit":""}]}}. */
  public static DataWriter metadata(Map<String, List<MetricMetadata>> metadata) {
    return g -> {
      g.writeStartObject();
      for (Map.Entry<String, List<MetricMetadata>> e : metadata.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (MetricMetadata m : e.getValue()) {
          g.writeStartObject();
          g.writeStringField("type", m.type().promName());
          g.writeStringField("help", m.help());
          g.writeStringField("unit", m.unit());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    };
  }
}
