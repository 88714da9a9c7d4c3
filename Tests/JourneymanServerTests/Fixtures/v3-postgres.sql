--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: __SCHEMA__; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA __SCHEMA__;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: applications; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.applications (
    id text NOT NULL,
    name text NOT NULL,
    credits bigint NOT NULL,
    webhook_secret text NOT NULL,
    created_at double precision NOT NULL,
    max_running bigint,
    max_pending bigint
);


--
-- Name: blobs; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.blobs (
    name text NOT NULL,
    bytes bytea NOT NULL,
    created_at double precision NOT NULL
);


--
-- Name: credentials; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.credentials (
    id text NOT NULL,
    application_id text NOT NULL,
    name text NOT NULL,
    token_hash text NOT NULL,
    scopes text NOT NULL,
    revoked boolean DEFAULT false NOT NULL,
    expires_at double precision,
    created_at double precision NOT NULL,
    rate_per_second double precision,
    rate_burst bigint
);


--
-- Name: deliveries; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.deliveries (
    id text NOT NULL,
    task_id text NOT NULL,
    application_id text NOT NULL,
    url text NOT NULL,
    body text NOT NULL,
    kind text NOT NULL,
    sequence bigint NOT NULL,
    state text NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    next_attempt_at double precision NOT NULL,
    last_error text,
    created_at double precision NOT NULL,
    delivered_at double precision,
    lease_owner text,
    lease_expires_at double precision
);


--
-- Name: journeyman_migrations; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.journeyman_migrations (
    version bigint NOT NULL,
    name text NOT NULL,
    applied_at double precision NOT NULL
);


--
-- Name: tasks; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tasks (
    id text NOT NULL,
    object_id text NOT NULL,
    application_id text NOT NULL,
    credential_id text NOT NULL,
    trace_id text NOT NULL,
    type text NOT NULL,
    request text NOT NULL,
    state text NOT NULL,
    progress bigint NOT NULL,
    image_id text,
    job_id text NOT NULL,
    created_at double precision NOT NULL,
    started_at double precision,
    finished_at double precision,
    response text,
    action text NOT NULL,
    parent_id text,
    seed bigint,
    lineage text,
    cost bigint NOT NULL,
    lease_owner text,
    lease_expires_at double precision,
    callback_url text,
    progress_webhooks boolean DEFAULT false NOT NULL
);


--
-- Data for Name: applications; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.applications VALUES ('0700d113-44a1-4f50-b6c1-249b4417cfbb', 'upgrade', 492, 'whsec_ju6d/Ht95ycNSjYg88d8wjRSjwypon/g', 1796166857.6855853, 3, 50);


--
-- Data for Name: blobs; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Data for Name: credentials; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.credentials VALUES ('2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', '0700d113-44a1-4f50-b6c1-249b4417cfbb', 'upgrade', '96eaf988d58325ede640f56f59f165d3583180aa42341c3585d1a92932a11aa8', 'describe,imagine,tasks', false, NULL, 1796166857.6855853, NULL, NULL);
INSERT INTO __SCHEMA__.credentials VALUES ('b833c35e-247e-44c1-9d30-0ea16de5b049', '0700d113-44a1-4f50-b6c1-249b4417cfbb', 'tasks-only', 'f2ef725c45b056be68b1c0a9ec641fd97c6b869d6851231318dcd2a28f9456fe', 'tasks', false, NULL, 1796166857.7818217, NULL, NULL);
INSERT INTO __SCHEMA__.credentials VALUES ('f19fced7-c858-4e19-824f-d6e93067e200', '0700d113-44a1-4f50-b6c1-249b4417cfbb', 'revoked', '5ccbc2038b82db4c42ad8ef5858115f0fbf2ddc547543dfa529e64b921cf9060', 'describe,imagine,tasks', true, NULL, 1796166858.0176587, NULL, NULL);
INSERT INTO __SCHEMA__.credentials VALUES ('8079634b-f23f-45a3-bf50-3b954c29cb89', '0700d113-44a1-4f50-b6c1-249b4417cfbb', 'expiring', '0901532c14c3027efd1bbbb3f9a5c01e86774204e784157481cba5cd576d2b98', 'describe,imagine,tasks', false, 4070908800, 1796166857.8727493, 5, 9);


--
-- Data for Name: deliveries; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.deliveries VALUES ('msg_a923c8622e4f45c1b0ac65c81be04f74', '46cc131f-7a03-4bab-9488-d08fd0901c42', '0700d113-44a1-4f50-b6c1-249b4417cfbb', 'http://127.0.0.1:1/hook', '{"image_width":1024,"success":true,"task_id":"46cc131f-7a03-4bab-9488-d08fd0901c42","image_id":"1577462888009027584","job_id":"d5ffff75-6658-4043-a44f-61ae863956bd","image_url":"http://journeyman.test/midjourney/images/46cc131f-7a03-4bab-9488-d08fd0901c42.png?imageMogr2/thumbnail/!50p","image_height":1024,"raw_image_width":2048,"raw_image_height":2048,"actions":["upscale1","upscale2","upscale3","upscale4","reroll","variation1","variation2","variation3","variation4"],"trace_id":"01e02801-bd8b-4c26-ad29-9cc5f1a9c466","raw_image_url":"http://journeyman.test/midjourney/images/46cc131f-7a03-4bab-9488-d08fd0901c42.png","progress":100,"hold":false}', 'finished', 1, 'pending', 1, 2112056543.9198816, 'connection reset (error set): Connection refused) (errno: 111)', 1796166862.6993306, NULL, NULL, NULL);


--
-- Data for Name: journeyman_migrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.journeyman_migrations VALUES (1, 'applications, credentials, tasks, webhook outbox, limits', 1796166857.7105508);
INSERT INTO __SCHEMA__.journeyman_migrations VALUES (2, 'image blobs', 1796166857.7128906);


--
-- Data for Name: tasks; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.tasks VALUES ('f9535e1c-2aae-40b4-9681-13c6adb9bf4f', '6b0f54ca40c377a7cb243762', '0700d113-44a1-4f50-b6c1-249b4417cfbb', '2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', '6d8571e0-d51a-42cf-a824-14646ae3f520', 'imagine', '{"split_images":true,"prompt":"a lighthouse at dusk --ar 3:2 --seed 7","mode":"fast","action":"generate"}', 'succeeded', 100, '1577462880866127872', '8bbe1303-152d-47e9-81af-9ac9d6c251e9', 1796166858.641153, 1796166858.6467214, 1796166859.8731399, '{"image_url":"http://journeyman.test/midjourney/images/f9535e1c-2aae-40b4-9681-13c6adb9bf4f.png?imageMogr2/thumbnail/!50p","image_id":"1577462880866127872","sub_image_urls":["http://journeyman.test/midjourney/images/f9535e1c-2aae-40b4-9681-13c6adb9bf4f-1.png","http://journeyman.test/midjourney/images/f9535e1c-2aae-40b4-9681-13c6adb9bf4f-2.png","http://journeyman.test/midjourney/images/f9535e1c-2aae-40b4-9681-13c6adb9bf4f-3.png","http://journeyman.test/midjourney/images/f9535e1c-2aae-40b4-9681-13c6adb9bf4f-4.png"],"raw_image_height":1360,"job_id":"8bbe1303-152d-47e9-81af-9ac9d6c251e9","raw_image_url":"http://journeyman.test/midjourney/images/f9535e1c-2aae-40b4-9681-13c6adb9bf4f.png","image_width":1024,"hold":false,"trace_id":"6d8571e0-d51a-42cf-a824-14646ae3f520","progress":100,"actions":["upscale1","upscale2","upscale3","upscale4","reroll","variation1","variation2","variation3","variation4"],"success":true,"task_id":"f9535e1c-2aae-40b4-9681-13c6adb9bf4f","image_height":680,"raw_image_width":2048}', 'generate', NULL, 7, '{"engine":"journeyman-local\/1","tiles":[{"height":680,"spec":{"aspect":1.5058824,"cloudCover":0.348873,"cloudScale":1.2750934,"exposure":1.0145683,"horizon":0.5797255,"hueShift":-0.437419,"layoutSeed":1255067677821274872,"phases":[106.584694,232.84508,113.369064,56.543293,92.26254,373.73175,332.4779,118.56124],"recipe":{"cloudiness":0.41352478,"coat":[0.54901963,0.47058824,0.39215687,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":true,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":true,"moon":false,"mountains":false,"palms":false,"planet":false,"rain":false,"snow":false,"stars":true,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"none","grayscale":false,"palette":{"accent":[1,0.7529412,0.43137255,1],"accent2":[0.47058824,0.78431374,1,1],"cloudLight":[0.9411765,0.5882353,0.54901963,1],"cloudShadow":[0.27450982,0.17254902,0.3764706,1],"far":[0.4,0.27450982,0.5176471,1],"fog":[0.63529414,0.39215687,0.5568628,1],"foliage":[0.078431375,0.07058824,0.14117648,1],"glow":[0.98039216,0.4627451,0.3137255,1],"ground":[0.14117648,0.101960786,0.20392157,1],"horizon":[0.9647059,0.54901963,0.3529412,1],"mid":[0.24313726,0.15686275,0.36078432,1],"near":[0.08627451,0.0627451,0.15686275,1],"skyMid":[0.4392157,0.23529412,0.5176471,1],"sun":[1,0.83137256,0.5882353,1],"water":[0.13333334,0.11764706,0.28235295,1],"zenith":[0.09411765,0.09411765,0.28235295,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"seascape","textHash":14446754920861709894,"time":"dusk"},"relief":1.028379,"subjectScale":0.89467245,"subjectX":0.3577101,"sunSize":0.039590944,"sunX":0.41428366,"sunY":0.19250277,"warmth":0.008450452},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0014705883},"width":1024},{"height":680,"spec":{"aspect":1.5058824,"cloudCover":0.3891031,"cloudScale":1.1908746,"exposure":1.019474,"horizon":0.59648436,"hueShift":-1.1850436,"layoutSeed":5694044397836626407,"phases":[278.3015,2.647624,88.49797,220.60309,373.28366,232.79306,8.802818,328.6949],"recipe":{"cloudiness":0.41352478,"coat":[0.54901963,0.47058824,0.39215687,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":true,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":true,"moon":false,"mountains":false,"palms":false,"planet":false,"rain":false,"snow":false,"stars":true,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"none","grayscale":false,"palette":{"accent":[1,0.7529412,0.43137255,1],"accent2":[0.47058824,0.78431374,1,1],"cloudLight":[0.9411765,0.5882353,0.54901963,1],"cloudShadow":[0.27450982,0.17254902,0.3764706,1],"far":[0.4,0.27450982,0.5176471,1],"fog":[0.63529414,0.39215687,0.5568628,1],"foliage":[0.078431375,0.07058824,0.14117648,1],"glow":[0.98039216,0.4627451,0.3137255,1],"ground":[0.14117648,0.101960786,0.20392157,1],"horizon":[0.9647059,0.54901963,0.3529412,1],"mid":[0.24313726,0.15686275,0.36078432,1],"near":[0.08627451,0.0627451,0.15686275,1],"skyMid":[0.4392157,0.23529412,0.5176471,1],"sun":[1,0.83137256,0.5882353,1],"water":[0.13333334,0.11764706,0.28235295,1],"zenith":[0.09411765,0.09411765,0.28235295,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"seascape","textHash":14446754920861709894,"time":"dusk"},"relief":0.9960356,"subjectScale":1.0247166,"subjectX":0.3878334,"sunSize":0.039918564,"sunX":0.5137951,"sunY":0.21592763,"warmth":0.017709281},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0014705883},"width":1024},{"height":680,"spec":{"aspect":1.5058824,"cloudCover":0.4170699,"cloudScale":1.1787477,"exposure":1.0101224,"horizon":0.5729988,"hueShift":0.70514756,"layoutSeed":11112847503793911350,"phases":[249.94946,364.95447,10.757806,281.32913,60.4638,214.61597,291.17972,395.31146],"recipe":{"cloudiness":0.41352478,"coat":[0.54901963,0.47058824,0.39215687,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":true,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":true,"moon":false,"mountains":false,"palms":false,"planet":false,"rain":false,"snow":false,"stars":true,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"none","grayscale":false,"palette":{"accent":[1,0.7529412,0.43137255,1],"accent2":[0.47058824,0.78431374,1,1],"cloudLight":[0.9411765,0.5882353,0.54901963,1],"cloudShadow":[0.27450982,0.17254902,0.3764706,1],"far":[0.4,0.27450982,0.5176471,1],"fog":[0.63529414,0.39215687,0.5568628,1],"foliage":[0.078431375,0.07058824,0.14117648,1],"glow":[0.98039216,0.4627451,0.3137255,1],"ground":[0.14117648,0.101960786,0.20392157,1],"horizon":[0.9647059,0.54901963,0.3529412,1],"mid":[0.24313726,0.15686275,0.36078432,1],"near":[0.08627451,0.0627451,0.15686275,1],"skyMid":[0.4392157,0.23529412,0.5176471,1],"sun":[1,0.83137256,0.5882353,1],"water":[0.13333334,0.11764706,0.28235295,1],"zenith":[0.09411765,0.09411765,0.28235295,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"seascape","textHash":14446754920861709894,"time":"dusk"},"relief":0.99202836,"subjectScale":0.9657004,"subjectX":0.39468962,"sunSize":0.044443388,"sunX":0.31822282,"sunY":0.19662958,"warmth":-0.015323418},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0014705883},"width":1024},{"height":680,"spec":{"aspect":1.5058824,"cloudCover":0.38783368,"cloudScale":0.96528786,"exposure":1.0185777,"horizon":0.55920273,"hueShift":-3.1564322,"layoutSeed":14965049498145177429,"phases":[335.0034,182.70013,272.07574,83.68199,104.91447,108.53062,15.3524885,126.16718],"recipe":{"cloudiness":0.41352478,"coat":[0.54901963,0.47058824,0.39215687,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":true,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":true,"moon":false,"mountains":false,"palms":false,"planet":false,"rain":false,"snow":false,"stars":true,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"none","grayscale":false,"palette":{"accent":[1,0.7529412,0.43137255,1],"accent2":[0.47058824,0.78431374,1,1],"cloudLight":[0.9411765,0.5882353,0.54901963,1],"cloudShadow":[0.27450982,0.17254902,0.3764706,1],"far":[0.4,0.27450982,0.5176471,1],"fog":[0.63529414,0.39215687,0.5568628,1],"foliage":[0.078431375,0.07058824,0.14117648,1],"glow":[0.98039216,0.4627451,0.3137255,1],"ground":[0.14117648,0.101960786,0.20392157,1],"horizon":[0.9647059,0.54901963,0.3529412,1],"mid":[0.24313726,0.15686275,0.36078432,1],"near":[0.08627451,0.0627451,0.15686275,1],"skyMid":[0.4392157,0.23529412,0.5176471,1],"sun":[1,0.83137256,0.5882353,1],"water":[0.13333334,0.11764706,0.28235295,1],"zenith":[0.09411765,0.09411765,0.28235295,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"seascape","textHash":14446754920861709894,"time":"dusk"},"relief":1.1610333,"subjectScale":0.94048303,"subjectX":0.34943655,"sunSize":0.04780082,"sunX":0.5145899,"sunY":0.21234214,"warmth":0.007781551},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0014705883},"width":1024}]}', 2, NULL, NULL, NULL, false);
INSERT INTO __SCHEMA__.tasks VALUES ('8fea9276-ab44-4bd9-a5da-b8aa5fd21fe3', '6b0f54d970f66830f32f258f', '0700d113-44a1-4f50-b6c1-249b4417cfbb', '2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', 'e0fa2c9a-460a-4960-9493-c6f5a66ab8e6', 'imagine', '{"async":true,"prompt":"a glass greenhouse at noon --ar 16:9 --seed 5","action":"generate","mode":"fast"}', 'pending', 0, '1577462942922088448', 'bfdceddb-8871-4503-ba96-a4d2953915cf', 1796166873.4366803, NULL, NULL, NULL, 'generate', NULL, 5, NULL, 2, NULL, NULL, NULL, false);
INSERT INTO __SCHEMA__.tasks VALUES ('5aa08133-4571-445b-a040-3d2155909193', '6b0f54cb40c377a7cb243763', '0700d113-44a1-4f50-b6c1-249b4417cfbb', '2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', '5da5dfee-e638-4883-8900-b435a4342ea0', 'imagine', '{"mode":"fast","action":"upscale2","image_id":"1577462880866127872"}', 'succeeded', 100, '1577462886486495232', 'dd09740d-b45a-4eb0-93e1-989c27bc86ba', 1796166859.9819639, 1796166859.9864285, 1796166860.1407533, '{"raw_image_url":"http://journeyman.test/midjourney/images/5aa08133-4571-445b-a040-3d2155909193.png","progress":100,"raw_image_height":680,"job_id":"dd09740d-b45a-4eb0-93e1-989c27bc86ba","image_id":"1577462886486495232","hold":false,"task_id":"5aa08133-4571-445b-a040-3d2155909193","raw_image_width":1024,"actions":["upscale_2x","upscale_4x","variation_subtle","variation_strong","variation_region","zoom_out_2x","zoom_out_1_5x","pan_left","pan_right","pan_up","pan_down"],"success":true,"image_width":512,"trace_id":"5da5dfee-e638-4883-8900-b435a4342ea0","image_height":340,"image_url":"http://journeyman.test/midjourney/images/5aa08133-4571-445b-a040-3d2155909193.png?imageMogr2/thumbnail/!50p"}', 'upscale2', 'f9535e1c-2aae-40b4-9681-13c6adb9bf4f', 7, '{"engine":"journeyman-local\/1","tiles":[{"height":680,"spec":{"aspect":1.5058824,"cloudCover":0.3891031,"cloudScale":1.1908746,"exposure":1.019474,"horizon":0.59648436,"hueShift":-1.1850436,"layoutSeed":5694044397836626407,"phases":[278.3015,2.647624,88.49797,220.60309,373.28366,232.79306,8.802818,328.6949],"recipe":{"cloudiness":0.41352478,"coat":[0.54901963,0.47058824,0.39215687,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":true,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":true,"moon":false,"mountains":false,"palms":false,"planet":false,"rain":false,"snow":false,"stars":true,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"none","grayscale":false,"palette":{"accent":[1,0.7529412,0.43137255,1],"accent2":[0.47058824,0.78431374,1,1],"cloudLight":[0.9411765,0.5882353,0.54901963,1],"cloudShadow":[0.27450982,0.17254902,0.3764706,1],"far":[0.4,0.27450982,0.5176471,1],"fog":[0.63529414,0.39215687,0.5568628,1],"foliage":[0.078431375,0.07058824,0.14117648,1],"glow":[0.98039216,0.4627451,0.3137255,1],"ground":[0.14117648,0.101960786,0.20392157,1],"horizon":[0.9647059,0.54901963,0.3529412,1],"mid":[0.24313726,0.15686275,0.36078432,1],"near":[0.08627451,0.0627451,0.15686275,1],"skyMid":[0.4392157,0.23529412,0.5176471,1],"sun":[1,0.83137256,0.5882353,1],"water":[0.13333334,0.11764706,0.28235295,1],"zenith":[0.09411765,0.09411765,0.28235295,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"seascape","textHash":14446754920861709894,"time":"dusk"},"relief":0.9960356,"subjectScale":1.0247166,"subjectX":0.3878334,"sunSize":0.039918564,"sunX":0.5137951,"sunY":0.21592763,"warmth":0.017709281},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0014705883},"width":1024}]}', 2, NULL, NULL, NULL, false);
INSERT INTO __SCHEMA__.tasks VALUES ('01e53cb2-35df-4bd8-8c06-9660a0aeb15f', '6b0f54cc40c377a7cb243764', '0700d113-44a1-4f50-b6c1-249b4417cfbb', '2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', 'ec57c4b3-0ffa-470f-bbc1-29d98127b70e', 'describe', '{"image_url":"http://journeyman.test/midjourney/images/f9535e1c-2aae-40b4-9681-13c6adb9bf4f.png"}', 'succeeded', 100, NULL, '02a13f2e-229f-429b-8c7b-e307c6d81c3f', 1796166860.1666408, 1796166860.1720557, 1796166860.2929044, '{"descriptions":["a busy, richly detailed scene, deep indigo purple and plum magenta tones, low-key neutral light, open, balanced composition, intricately detailed landscape view --ar 3:2","a detailed matte painting in deep indigo purple, plum magenta and jet black, cinematic lighting, open, balanced composition, neutral purple, red and magenta palette --ar 3:2","purple, red and magenta colour study, low-key neutral lighting, deep indigo purple, plum magenta, jet black and dusky mauve purple, balanced contrast, intricately detailed surfaces --ar 3:2","purple, red, magenta, pink, orange, low-key, open, balanced, intricately detailed, landscape --ar 3:2"],"trace_id":"ec57c4b3-0ffa-470f-bbc1-29d98127b70e","success":true,"task_id":"01e53cb2-35df-4bd8-8c06-9660a0aeb15f"}', 'describe', NULL, NULL, NULL, 1, NULL, NULL, NULL, false);
INSERT INTO __SCHEMA__.tasks VALUES ('46cc131f-7a03-4bab-9488-d08fd0901c42', '6b0f54cc40c377a7cb243766', '0700d113-44a1-4f50-b6c1-249b4417cfbb', '2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', '01e02801-bd8b-4c26-ad29-9cc5f1a9c466', 'imagine', '{"action":"generate","prompt":"a red fox in snow --seed 11","mode":"relax","async":true,"callback_url":"http://127.0.0.1:1/hook"}', 'succeeded', 100, '1577462888009027584', 'd5ffff75-6658-4043-a44f-61ae863956bd', 1796166860.3446136, 1796166860.3483295, 1796166862.6993306, '{"image_width":1024,"success":true,"task_id":"46cc131f-7a03-4bab-9488-d08fd0901c42","image_id":"1577462888009027584","job_id":"d5ffff75-6658-4043-a44f-61ae863956bd","image_url":"http://journeyman.test/midjourney/images/46cc131f-7a03-4bab-9488-d08fd0901c42.png?imageMogr2/thumbnail/!50p","image_height":1024,"raw_image_width":2048,"raw_image_height":2048,"actions":["upscale1","upscale2","upscale3","upscale4","reroll","variation1","variation2","variation3","variation4"],"trace_id":"01e02801-bd8b-4c26-ad29-9cc5f1a9c466","raw_image_url":"http://journeyman.test/midjourney/images/46cc131f-7a03-4bab-9488-d08fd0901c42.png","progress":100,"hold":false}', 'generate', NULL, 11, '{"engine":"journeyman-local\/1","tiles":[{"height":1024,"spec":{"aspect":1,"cloudCover":0.45410225,"cloudScale":1.3050529,"exposure":0.9762795,"horizon":0.646851,"hueShift":0.9690726,"layoutSeed":11314420564514911500,"phases":[44.096718,274.7223,48.142357,229.31969,29.968445,216.35777,291.49704,14.574896],"recipe":{"cloudiness":0.54718393,"coat":[0.8862745,0.87058824,0.8392157,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":false,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":false,"moon":false,"mountains":true,"palms":false,"planet":false,"rain":false,"snow":true,"stars":false,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"dog","grayscale":false,"palette":{"accent":[1,0.7921569,0.47058824,1],"accent2":[1,0.39215687,0.47058824,1],"cloudLight":[1,0.58916664,0.575,1],"cloudShadow":[0.20327999,0.094423555,0.12345196,1],"far":[0.34848002,0.16186897,0.21163195,1],"fog":[0.85,0.53571254,0.52487504,1],"foliage":[0.12584,0.04722146,0.06818642,1],"glow":[1,0.13725004,0.10750002,1],"ground":[0.1452,0.0674454,0.088179976,1],"horizon":[0.9,0.21965997,0.19619995,1],"mid":[0.22264001,0.08354567,0.12063752,1],"near":[0.10648,0.035204947,0.054211646,1],"skyMid":[0.4598,0.110984206,0.20400183,1],"sun":[1,0.7699333,0.76199996,1],"water":[0.20327999,0.058138072,0.09684262,1],"zenith":[0.242,0.036814243,0.09153049,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"landscape","textHash":4579668652141895224,"time":"sunset"},"relief":1.1522232,"subjectScale":0.9576602,"subjectX":0.43827736,"sunSize":0.042690214,"sunX":0.7263625,"sunY":0.23345134,"warmth":0.0027529814},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0009765625},"width":1024},{"height":1024,"spec":{"aspect":1,"cloudCover":0.4234364,"cloudScale":0.9841958,"exposure":1.0156509,"horizon":0.6337213,"hueShift":-0.65396786,"layoutSeed":4370213859311276174,"phases":[9.456667,316.80637,44.483997,323.90445,246.5386,32.941612,97.16983,306.38315],"recipe":{"cloudiness":0.54718393,"coat":[0.8862745,0.87058824,0.8392157,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":false,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":false,"moon":false,"mountains":true,"palms":false,"planet":false,"rain":false,"snow":true,"stars":false,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"dog","grayscale":false,"palette":{"accent":[1,0.7921569,0.47058824,1],"accent2":[1,0.39215687,0.47058824,1],"cloudLight":[1,0.58916664,0.575,1],"cloudShadow":[0.20327999,0.094423555,0.12345196,1],"far":[0.34848002,0.16186897,0.21163195,1],"fog":[0.85,0.53571254,0.52487504,1],"foliage":[0.12584,0.04722146,0.06818642,1],"glow":[1,0.13725004,0.10750002,1],"ground":[0.1452,0.0674454,0.088179976,1],"horizon":[0.9,0.21965997,0.19619995,1],"mid":[0.22264001,0.08354567,0.12063752,1],"near":[0.10648,0.035204947,0.054211646,1],"skyMid":[0.4598,0.110984206,0.20400183,1],"sun":[1,0.7699333,0.76199996,1],"water":[0.20327999,0.058138072,0.09684262,1],"zenith":[0.242,0.036814243,0.09153049,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"landscape","textHash":4579668652141895224,"time":"sunset"},"relief":1.1635894,"subjectScale":1.0354028,"subjectX":0.44646007,"sunSize":0.043220278,"sunX":0.62535673,"sunY":0.1389174,"warmth":-0.00016930302},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0009765625},"width":1024},{"height":1024,"spec":{"aspect":1,"cloudCover":0.5639311,"cloudScale":1.1960512,"exposure":0.9723487,"horizon":0.6686433,"hueShift":3.6653945,"layoutSeed":11689856405913162080,"phases":[257.63547,291.22455,70.91396,329.9776,75.37481,310.45825,50.466972,18.05399],"recipe":{"cloudiness":0.54718393,"coat":[0.8862745,0.87058824,0.8392157,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":false,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":false,"moon":false,"mountains":true,"palms":false,"planet":false,"rain":false,"snow":true,"stars":false,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"dog","grayscale":false,"palette":{"accent":[1,0.7921569,0.47058824,1],"accent2":[1,0.39215687,0.47058824,1],"cloudLight":[1,0.58916664,0.575,1],"cloudShadow":[0.20327999,0.094423555,0.12345196,1],"far":[0.34848002,0.16186897,0.21163195,1],"fog":[0.85,0.53571254,0.52487504,1],"foliage":[0.12584,0.04722146,0.06818642,1],"glow":[1,0.13725004,0.10750002,1],"ground":[0.1452,0.0674454,0.088179976,1],"horizon":[0.9,0.21965997,0.19619995,1],"mid":[0.22264001,0.08354567,0.12063752,1],"near":[0.10648,0.035204947,0.054211646,1],"skyMid":[0.4598,0.110984206,0.20400183,1],"sun":[1,0.7699333,0.76199996,1],"water":[0.20327999,0.058138072,0.09684262,1],"zenith":[0.242,0.036814243,0.09153049,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"landscape","textHash":4579668652141895224,"time":"sunset"},"relief":1.0648482,"subjectScale":1.0729176,"subjectX":0.49243382,"sunSize":0.054385506,"sunX":0.6619185,"sunY":0.1935544,"warmth":0.00626743},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0009765625},"width":1024},{"height":1024,"spec":{"aspect":1,"cloudCover":0.54226637,"cloudScale":1.0078691,"exposure":1.0165001,"horizon":0.6488592,"hueShift":-1.5302888,"layoutSeed":4334101271433513186,"phases":[224.56723,295.38336,37.033825,369.88202,265.66068,266.44482,15.61202,167.77766],"recipe":{"cloudiness":0.54718393,"coat":[0.8862745,0.87058824,0.8392157,1],"excluded":[],"features":{"aurora":false,"beach":false,"birds":false,"boat":false,"buildings":false,"castle":false,"clouds":true,"figure":true,"fluid":false,"fog":false,"lighthouse":false,"moon":false,"mountains":true,"palms":false,"planet":false,"rain":false,"snow":true,"stars":false,"storm":false,"sun":true,"temple":false,"trees":false,"village":false,"water":true},"figure":"dog","grayscale":false,"palette":{"accent":[1,0.7921569,0.47058824,1],"accent2":[1,0.39215687,0.47058824,1],"cloudLight":[1,0.58916664,0.575,1],"cloudShadow":[0.20327999,0.094423555,0.12345196,1],"far":[0.34848002,0.16186897,0.21163195,1],"fog":[0.85,0.53571254,0.52487504,1],"foliage":[0.12584,0.04722146,0.06818642,1],"glow":[1,0.13725004,0.10750002,1],"ground":[0.1452,0.0674454,0.088179976,1],"horizon":[0.9,0.21965997,0.19619995,1],"mid":[0.22264001,0.08354567,0.12063752,1],"near":[0.10648,0.035204947,0.054211646,1],"skyMid":[0.4598,0.110984206,0.20400183,1],"sun":[1,0.7699333,0.76199996,1],"water":[0.20327999,0.058138072,0.09684262,1],"zenith":[0.242,0.036814243,0.09153049,1]},"saturation":1,"style":"painterly","styleAmount":1,"subject":"landscape","textHash":4579668652141895224,"time":"sunset"},"relief":1.0965238,"subjectScale":0.9678875,"subjectX":0.6233275,"sunSize":0.046225056,"sunX":0.75935674,"sunY":0.15615429,"warmth":0.020164425},"view":{"originX":0,"originY":0,"unitsPerPixel":0.0009765625},"width":1024}]}', 1, NULL, NULL, 'http://127.0.0.1:1/hook', false);
INSERT INTO __SCHEMA__.tasks VALUES ('4482ddf8-809b-45da-a459-f339753d3a89', '6b0f54cc40c377a7cb243765', '0700d113-44a1-4f50-b6c1-249b4417cfbb', '2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', '4ce619f4-b959-46c6-9a29-8daf16655967', 'describe', '{"image_url":"http://127.0.0.1:1/x.png","async":true}', 'failed', 0, NULL, '0e8ee0c1-89cb-48c9-bb63-d7738cca3d91', 1796166860.318544, 1796166860.3228695, 1796166870.3319654, '{"trace_id":"4ce619f4-b959-46c6-9a29-8daf16655967","task_id":"4482ddf8-809b-45da-a459-f339753d3a89","success":false,"error":{"code":"bad_request","message":"image_url could not be fetched: connection failed"}}', 'describe', NULL, NULL, NULL, 1, NULL, NULL, NULL, false);
INSERT INTO __SCHEMA__.tasks VALUES ('8e08c988-5bb8-4f2c-bc3c-e5047a339738', '6b0f54d970f66830f32f258e', '0700d113-44a1-4f50-b6c1-249b4417cfbb', '2ca959b1-0f00-4c46-ac62-c5c1a55f45b5', '6ea71370-15bc-4558-9fff-6c70a7b9a44b', 'imagine', '{"async":true,"action":"generate","prompt":"a paper boat on a pond --seed 3","mode":"fast"}', 'cancelled', 0, '1577462942381023232', 'e24fb235-12f7-4f54-a703-a640bdc9d449', 1796166873.3072011, NULL, 1796166873.3533325, '{"success":false,"trace_id":"6ea71370-15bc-4558-9fff-6c70a7b9a44b","error":{"message":"The task was cancelled.","code":"cancelled"},"task_id":"8e08c988-5bb8-4f2c-bc3c-e5047a339738"}', 'generate', NULL, 3, NULL, 2, NULL, NULL, NULL, false);


--
-- Name: applications applications_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.applications
    ADD CONSTRAINT applications_pkey PRIMARY KEY (id);


--
-- Name: blobs blobs_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.blobs
    ADD CONSTRAINT blobs_pkey PRIMARY KEY (name);


--
-- Name: credentials credentials_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.credentials
    ADD CONSTRAINT credentials_pkey PRIMARY KEY (id);


--
-- Name: credentials credentials_token_hash_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.credentials
    ADD CONSTRAINT credentials_token_hash_key UNIQUE (token_hash);


--
-- Name: deliveries deliveries_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);


--
-- Name: deliveries deliveries_task_id_sequence_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deliveries
    ADD CONSTRAINT deliveries_task_id_sequence_key UNIQUE (task_id, sequence);


--
-- Name: journeyman_migrations journeyman_migrations_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.journeyman_migrations
    ADD CONSTRAINT journeyman_migrations_pkey PRIMARY KEY (version);


--
-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (id);


--
-- Name: deliveries_due; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX deliveries_due ON __SCHEMA__.deliveries USING btree (next_attempt_at) WHERE (state = 'pending'::text);


--
-- Name: tasks_by_application; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX tasks_by_application ON __SCHEMA__.tasks USING btree (application_id, created_at);


--
-- Name: tasks_by_application_state; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX tasks_by_application_state ON __SCHEMA__.tasks USING btree (application_id, state);


--
-- Name: tasks_by_image; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX tasks_by_image ON __SCHEMA__.tasks USING btree (image_id) WHERE (image_id IS NOT NULL);


--
-- Name: tasks_by_trace; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX tasks_by_trace ON __SCHEMA__.tasks USING btree (application_id, trace_id);


--
-- Name: tasks_unfinished; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX tasks_unfinished ON __SCHEMA__.tasks USING btree (created_at) WHERE (state = ANY (ARRAY['pending'::text, 'running'::text]));


--
-- Name: credentials credentials_application_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.credentials
    ADD CONSTRAINT credentials_application_id_fkey FOREIGN KEY (application_id) REFERENCES __SCHEMA__.applications(id);


--
-- Name: tasks tasks_application_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tasks
    ADD CONSTRAINT tasks_application_id_fkey FOREIGN KEY (application_id) REFERENCES __SCHEMA__.applications(id);


--
-- PostgreSQL database dump complete
--


