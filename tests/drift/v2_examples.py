"""Literal V2 JSON from the reference (docs/assays-v2-math.md sources): T-MLOPS get/:id and get_results,
and the bodies the SDK 2026.1.3 sends to preview and schedule ([RUN])."""

from __future__ import annotations

import json

ASSAY = json.loads("""
{"id":"1af7b34b-ef0a-42cf-a821-758c92215d01","name":"assay baseline from csv ''",
 "scheduling":{"first_run":"2025-03-19T10:37:00-06:00","end":null,
               "run_frequency":{"SimpleRunFrequency":{"unit":"Minute","quantity":1}}},
 "baseline":{"Summary":{"out.Model_Confidence_Level":{"name":"assay baseline from csv ''",
    "bins":{"mode":{"Quantile":5},"edges":[0.388652376,0.5923209300000001,0.78850774,0.895255028,"INFINITY"],
            "labels":["< 20%","20% - 40%","40% - 60%","60% - 80%","> 80%"]},
    "aggregated_values":[0.2,0.2,0.2,0.2,0.2],"aggregation":"Density",
    "statistics":{"count":100,"min":0.3479154,"max":0.9972307,"mean":0.7354536938095237,"median":0.779883915,"std":0.1851688980561408},
    "start":null,"end":null}}},
 "window":{"width":{"seconds":60}},
 "summarizer":{"UnivariateContinuous":{"bin_mode":{"Quantile":5},"aggregation":"Density","metric":"PSI","bin_weights":null}},
 "targeting":{"data_origin":{"pipeline_name":"rum-assay-nan-jcw","pipeline_id":777,"workspace_name":"realpage-rum-assays-jcw",
                             "workspace_id":1529,"model_id":"rum-ma-nan-values-jcw","locations":null},
              "iopath":[{"field":"out.Model_Confidence_Level","indexes":null,"thresholds":{"warning":0.1,"alert":0.1}}]},
 "created_at":"2025-03-19T16:37:12.229442Z","updated_at":"2025-03-19T16:37:12.229442Z","active":true}
""")

RESULT = json.loads("""
{"id":2440953,"assay_id":"1af7b34b-ef0a-42cf-a821-758c92215d01","analyzed_at":"2025-03-19T16:44:02.168798Z","elapsed_millis":322,
 "scores":{"out.Model_Confidence_Level":{"score":4.1648763041561505,
   "scores":[1.2875503299472804,0.7193314935522176,0.7193314935522176,0.7193314935522176,0.7193314935522176],"bin_index":null}},
 "status":"Alert",
 "summaries":{"out.Model_Confidence_Level":{"name":"out.Model_Confidence_Level",
   "bins":{"mode":{"Quantile":5},"edges":[0.388652376,0.5923209300000001,0.78850774,0.895255028,"INFINITY"],
           "labels":["< 20%","20% - 40%","40% - 60%","60% - 80%","> 80%"]},
   "aggregated_values":[1.0,0.0,0.0,0.0,0.0],"aggregation":"Density",
   "statistics":{"count":256,"min":0.0,"max":0.0,"mean":0.0,"median":0.0,"std":0.0},
   "start":"2025-03-19T16:43:00Z","end":"2025-03-19T16:44:00Z"}},
 "window_end":"2025-03-19T16:44:00Z","window_start":"2025-03-19T16:43:00Z",
 "created_at":"2025-03-19T16:44:02.16068Z","updated_at":"2025-03-19T16:44:02.493836Z",
 "workspace_id":1529,"workspace_name":"realpage-rum-assays-jcw","pipeline_id":777,
 "warning_threshold":0.1,"alert_threshold":0.1}
""")

PREVIEW_BODY = json.loads("""
{"baseline":{"Summary":{"out.variable.0":{"aggregated_values":[0.238,0.184,0.182,0.196,0.2],"aggregation":"Density",
   "bins":{"edges":[340764.53,437177.84,513583.13,706050.9000000003,"INFINITY"],"labels":["< 20%","20% - 40%","40% - 60%","60% - 80%","> 80%"],"mode":{"Quantile":5}},
   "name":"out.variable.0","statistics":{"count":500,"max":1489624.5,"mean":521296.79782,"median":448928.81,"min":236238.66,"std":225327.38654536186},
   "end":null,"start":null}}},
 "preview_end":"2025-07-15T20:10:00+00:00","preview_start":"2025-07-15T20:06:58.424304+00:00",
 "scheduling":{"first_run":"2025-07-15T20:06:58.424304+00:00","run_frequency":{"SimpleRunFrequency":{"quantity":1,"unit":"Minute"}}},
 "summarizer":{"UnivariateContinuous":{"aggregation":"Density","bin_mode":{"Quantile":5},"metric":"PSI","bin_weights":null}},
 "targeting":{"data_origin":{"pipeline_id":40,"pipeline_name":"houseprice-pipe","workspace_id":12,"workspace_name":"ws",
                             "locations":["houseprice-edge-demonstration-01"],"model_id":null},
              "iopath":[{"field":"out.variable","indexes":[0],"thresholds":{"alert":0.25,"warning":null}}]},
 "window":{"width":{"seconds":60}}}
""")

SCHEDULE_SCHEDULING = json.loads("""
{"first_run":"2025-07-15T20:06:58.424304+00:00","run_frequency":{"SimpleRunFrequency":{"quantity":1,"unit":"Minute"}},
 "end":"2025-07-15T20:10:00+00:00"}
""")

STATIC_BASELINE = {"Static": ["2025-07-15T20:04:47.902345+00:00", "2025-07-15T20:05:53.416806+00:00"]}
